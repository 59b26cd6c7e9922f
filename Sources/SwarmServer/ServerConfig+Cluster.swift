import Logging
import SwarmCore
import SwarmStore

/// `[cluster]`: several `swarmd` nodes on one database (PROTOCOL §27).
extension ServerConfig {
    static let clusterKeys: [String: ConfigSetter] = [
        "cluster.poll_ms": { c, v in c.clusterPollMilliseconds = try v.intValue(in: 10...60_000) },
        "cluster.notify": { c, v in c.clusterNotify = try v.boolValue() },
        "cluster.notify_poll_ms": { c, v in c.clusterNotifyPollMilliseconds = try v.intValue(in: 10...600_000) },
    ]

    /// PostgreSQL with `cluster.notify`: write batches NOTIFY and the node LISTENs.
    var notifiesLog: Bool { storageBackend == StorageBackend.postgres.rawValue && clusterNotify }

    /// How this node learns that other nodes appended to the log (see `LogWakeup`).
    func logWakeups(logger: Logger) -> [any LogWakeup] {
        let poll = Duration.milliseconds(clusterPollMilliseconds)
        guard notifiesLog, let location = try? PostgresLocation(url: storageURL) else { return [PollWakeup(interval: poll)] }
        return [NotifyWakeup(listener: PostgresLogListener(location: location, logger: logger), poll: poll,
                             pollWhileListening: .milliseconds(clusterNotifyPollMilliseconds))]
    }
}
