import Logging
import SwarmCore
import SwarmStore

/// `[cluster]`: several `swarmd` nodes on one database (PROTOCOL §27).
extension ServerConfig {
    static let clusterKeys: [String: ConfigSetter] = [
        "cluster.poll_ms": { c, v in c.clusterPollMilliseconds = try v.intValue(in: 10...60_000) },
        "cluster.notify": { c, v in c.clusterNotify = try v.boolValue() },
        "cluster.notify_poll_ms": { c, v in c.clusterNotifyPollMilliseconds = try v.intValue(in: 10...600_000) },
        "cluster.heartbeat_ms": { c, v in c.clusterHeartbeatMilliseconds = try v.intValue(in: 50...60_000) },
        "cluster.node_timeout_ms": { c, v in c.clusterNodeTimeoutMilliseconds = try v.intValue(in: 200...600_000) },
    ]

    func validateCluster() throws {
        // Two heartbeats must fit in the timeout, or one late heartbeat takes a live node's users offline.
        guard clusterNodeTimeoutMilliseconds >= 2 * clusterHeartbeatMilliseconds else {
            throw ConfigError(description: "cluster.node_timeout_ms must be at least twice cluster.heartbeat_ms")
        }
    }

    /// PostgreSQL with `cluster.notify`: write batches NOTIFY and the node LISTENs.
    var notifiesLog: Bool { storageBackend == StorageBackend.postgres.rawValue && clusterNotify }

    /// On PostgreSQL, the node's one LISTEN connection: the ephemeral channel always (presence and
    /// typing cross nodes only through it), the log's with `cluster.notify`. Nil on SQLite.
    func clusterListener(logger: Logger) -> PostgresListener? {
        guard storageBackend == StorageBackend.postgres.rawValue, let location = try? PostgresLocation(url: storageURL) else { return nil }
        let channels = (notifiesLog ? [LogNotify.channel] : []) + [PostgresClusterState.channel]
        return PostgresListener(location: location, channels: channels, logger: logger)
    }

    /// How this node learns that other nodes appended to the log (see `LogWakeup`).
    func logWakeups(listener: PostgresListener?) -> [any LogWakeup] {
        let poll = Duration.milliseconds(clusterPollMilliseconds)
        guard notifiesLog, let listener else { return [PollWakeup(interval: poll)] }
        return [NotifyWakeup(listener: listener, poll: poll, pollWhileListening: .milliseconds(clusterNotifyPollMilliseconds))]
    }
}
