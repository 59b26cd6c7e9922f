import SwarmProtocol
import SwarmStore

/// Presence with several nodes (PostgreSQL): what the hub tells the cluster tables about its own
/// sessions, and how it takes in what the other live nodes have. A user's presence on this node
/// is its own sessions' status if it has any here, else the other nodes' (`State.remote`); a
/// `presence` event goes out when that changes, so every node's sessions see the same changes.
extension Hub {
    /// This node's row for `user`: nil when no session of theirs is left here.
    func clusterRow(_ user: Int64, node: String) -> ClusterPresenceRow? {
        state.withLock { s in Self.row(s, user, node: node) }
    }

    func clusterRows(_ users: Set<Int64>, node: String) -> [Int64: ClusterPresenceRow?] {
        state.withLock { s in
            var rows: [Int64: ClusterPresenceRow?] = [:]
            for user in users { rows[user] = .some(Self.row(s, user, node: node)) }
            return rows
        }
    }

    /// Every row of this node (written again when its node row was gone).
    func allClusterRows(node: String) -> [ClusterPresenceRow] {
        state.withLock { s in s.presence.keys.compactMap { Self.row(s, $0, node: node) } }
    }

    private static func row(_ s: State, _ user: Int64, node: String) -> ClusterPresenceRow? {
        guard let status = s.presence[user], let conns = s.byUser[user], !conns.isEmpty else { return nil }
        let keys = Set(conns.compactMap { s.connections[$0]?.rateLimitKey })
        return ClusterPresenceRow(node: node, user: user, status: status.rawValue, limitKeys: keys.sorted())
    }

    /// Takes in what a read changed (`ClusterView.take`). `own` is this node's rows as stored: a
    /// status set on another node was written to them too, and is adopted here unless the user
    /// changed since the read began (`changing`: this node's newer write wins). `others` is each
    /// listed user's presence on the other nodes (nil: on none).
    func applyCluster(own: [Int64: PresenceStatus], others: [Int64: PresenceStatus?], changing: Set<Int64>) {
        let frames: [String] = state.withLock { s in
            var frames: [String] = []
            for (user, status) in own where !changing.contains(user) {
                guard let here = s.presence[user], here != status else { continue }
                s.presence[user] = status
                frames.append(Self.presenceFrame(user: user, status: status))
            }
            for (user, status) in others {
                let before = s.remote[user]
                s.remote[user] = status
                // Users with no session here whose status elsewhere changed, came or went.
                guard s.presence[user] == nil, before != status else { continue }
                frames.append(Self.presenceFrame(user: user, status: status ?? .offline))
            }
            return frames
        }
        for frame in frames { broadcastPresence(frame) }
    }
}
