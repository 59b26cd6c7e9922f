import SwarmCore

/// `[cluster]`: several `swarmd` nodes on one database (PROTOCOL §27).
extension ServerConfig {
    static let clusterKeys: [String: ConfigSetter] = [
        "cluster.poll_ms": { c, v in c.clusterPollMilliseconds = try v.intValue(in: 10...60_000) },
    ]

    /// How this node learns that other nodes appended to the log (see `LogWakeup`).
    var logWakeups: [any LogWakeup] {
        [PollWakeup(interval: .milliseconds(clusterPollMilliseconds))]
    }
}
