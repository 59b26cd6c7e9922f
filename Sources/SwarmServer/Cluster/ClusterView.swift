import SwarmProtocol
import SwarmStore

/// What this node knows of every live node's presence rows, kept up to date from each read's
/// changes, and what each read changed for the hub and the rate limiter.
///
/// Why: the reads come as deltas (the rows changed since the version this node has), but the
/// presence and the limiter's shares were rebuilt from every cached row after each read: with
/// 50,000 users over three nodes, every login anywhere cost each node a pass over all of them.
/// Here a read costs what it changed: the users whose rows came, changed or went, and the
/// rate-limit keys on them.
///
/// The rules are those of a rebuild from every row (`ClusterViewTests` compares against one):
/// - a user's presence from the other nodes is the status of their row on the first other node,
///   in node order, that has one (so where nodes disagree for a moment, every node picks the same);
/// - `own` is this node's rows as stored (a status set elsewhere writes them too);
/// - a rate-limit key is split over this node and each other node with a row holding it;
/// - a row whose status is not a known one counts for nothing.
struct ClusterView {
    let node: String
    /// Each live node's rows as last read (by user), with where they were read.
    private(set) var nodes: [String: (version: ClusterNodeVersion, rows: [Int64: ClusterPresenceRow])] = [:]
    /// For each rate-limit key on another node's rows: how many other nodes hold it.
    private(set) var nodesByKey: [Int64: Int] = [:]

    init(node: String) {
        self.node = node
    }

    /// What a read changed.
    struct Changes: Equatable {
        /// This node's stored status of each user whose row here was read changed (or asked for).
        var own: [Int64: PresenceStatus] = [:]
        /// Each changed (or asked for) user's presence on the other nodes; nil: on none.
        var others: [Int64: PresenceStatus?] = [:]
        /// Each rate-limit key whose split changed: over how many live nodes, this one included.
        var shares: [Int64: Int] = [:]
    }

    /// Where each live node's rows were read, for the next exchange.
    var known: [String: ClusterNodeVersion] { nodes.mapValues(\.version) }

    /// Takes in a read: the live nodes and the rows read of those whose version moved. `recheck`
    /// names users whose presence the hub must be given again though their rows did not change
    /// (it changed them here meanwhile, or could not take them last time).
    mutating func take(live: [String: ClusterNodeVersion], changed: [String: ClusterRowChanges], recheck: Set<Int64>) -> Changes {
        var users = recheck
        var keyDeltas: [Int64: Int] = [:]
        func count(_ row: ClusterPresenceRow?, _ by: Int) {
            guard let row, row.node != node, PresenceStatus(rawValue: row.status) != nil else { return }
            for key in row.limitKeys { keyDeltas[key, default: 0] += by }
        }
        for gone in nodes.keys.filter({ live[$0] == nil }) {
            for (user, row) in nodes.removeValue(forKey: gone)?.rows ?? [:] {
                users.insert(user)
                count(row, -1)
            }
        }
        for (name, version) in live {
            // Taken out, so the changes below do not copy every row.
            var rows = nodes.removeValue(forKey: name)?.rows ?? [:]
            if let read = changed[name] {
                if read.complete {
                    for (user, row) in rows {
                        users.insert(user)
                        count(row, -1)
                    }
                    rows = [:]
                }
                for row in read.rows {
                    let before = rows.updateValue(row, forKey: row.user)
                    guard before != row else { continue }
                    users.insert(row.user)
                    count(before, -1)
                    count(row, 1)
                }
                for user in read.gone {
                    guard let before = rows.removeValue(forKey: user) else { continue }
                    users.insert(user)
                    count(before, -1)
                }
            }
            nodes[name] = (version, rows)
        }

        var changes = Changes()
        for (key, delta) in keyDeltas where delta != 0 {
            let now = nodesByKey[key, default: 0] + delta
            nodesByKey[key] = now > 0 ? now : nil
            changes.shares[key] = now + 1
        }
        let others = nodes.keys.filter { $0 != node }.sorted()
        for user in users {
            if let row = nodes[node]?.rows[user], let status = PresenceStatus(rawValue: row.status) {
                changes.own[user] = status
            }
            changes.others[user] = .some(presence(of: user, on: others))
        }
        return changes
    }

    /// The status of `user`'s row on the first of `others` (in that order) with a known one.
    private func presence(of user: Int64, on others: [String]) -> PresenceStatus? {
        for other in others {
            if let row = nodes[other]?.rows[user], let status = PresenceStatus(rawValue: row.status) { return status }
        }
        return nil
    }
}
