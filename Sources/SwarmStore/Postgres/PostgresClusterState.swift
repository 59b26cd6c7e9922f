import Foundation
import Logging

/// One node's presence row in `cluster_presence` (see `PostgresClusterSchema`).
public struct ClusterPresenceRow: Sendable, Equatable {
    public var node: String
    public var user: Int64
    public var status: String
    /// Rate-limit keys of the user's sessions on that node (`RateLimiter.key`).
    public var limitKeys: [Int64]

    public init(node: String, user: Int64, status: String, limitKeys: [Int64]) {
        self.node = node
        self.user = user
        self.status = status
        self.limitKeys = limitKeys
    }
}

/// What one round trip to the cluster tables does, in this order: the heartbeat, this node's
/// changed rows, status changes (to every node's row of the user: a status belongs to the user),
/// the notifications, and a read of every live node's rows.
public struct ClusterExchange: Sendable {
    public var heartbeat = false
    /// This node's rows by user: the row to write, or nil to delete it (no session left here).
    public var rows: [Int64: ClusterPresenceRow?] = [:]
    public var statuses: [(user: Int64, status: String)] = []
    /// Sent when the transaction commits, after a presence notice if any rows changed.
    public var notifications: [String] = []
    /// Read the live nodes, and the rows of those whose version is not the one given here (the
    /// reader's cache); nil: no read.
    public var known: [String: Int64]?
    /// Nodes whose heartbeat is older than this are deleted with their rows (nil: not now).
    public var sweepAfterMilliseconds: Int64?

    public init() {}

    public var writes: Bool { !rows.isEmpty || !statuses.isEmpty }
}

public struct ClusterExchangeResult: Sendable {
    /// This node's row was missing (first start, swept while cut off, PostgreSQL crashed): every
    /// row of this node was written again from `everyRow`.
    public var rejoined = false
    /// Every live node (this one included) and its version, when the exchange read.
    public var live: [String: Int64]?
    /// The rows of the live nodes whose version was not the known one.
    public var changed: [String: [ClusterPresenceRow]] = [:]
}

/// The cluster tables on a connection of their own (a private `PostgresBackend` used only for its
/// writer slot: opened on first use, opened again after a loss), so heartbeats and typing never
/// wait behind the store's write batches, nor those behind them.
public final class PostgresClusterState: Sendable {
    /// The NOTIFY channel of ephemeral signals: presence notices and typing. Payloads carry ids,
    /// never message content.
    public static let channel = "swarm_ephemeral"

    public let node: String
    /// A node is alive while its heartbeat is younger than this.
    public let nodeTimeoutMilliseconds: Int64
    private let backend: PostgresBackend

    public init(location: PostgresLocation, node: String, nodeTimeoutMilliseconds: Int64, timeouts: PostgresTimeouts = .standard, logger: Logger) {
        self.node = node
        self.nodeTimeoutMilliseconds = nodeTimeoutMilliseconds
        self.backend = PostgresBackend(location: location, readers: 1, timeouts: timeouts, logger: logger)
    }

    /// One transaction. `presenceNotice` is sent when this node's rows changed; `everyRow` is read
    /// only when the node must write all its rows again.
    public func exchange(_ x: ClusterExchange, presenceNotice: String,
                         everyRow: @escaping @Sendable () -> [ClusterPresenceRow]) async throws -> ClusterExchangeResult {
        let node = node
        let timeout = nodeTimeoutMilliseconds
        return try await backend.write { db in
            var result = ClusterExchangeResult()
            if let age = x.sweepAfterMilliseconds {
                try db.execute("DELETE FROM cluster_nodes WHERE heartbeat_at < now() - (?::bigint * interval '1 millisecond')", [age])
            }
            if x.heartbeat || x.writes {
                // xmax = 0: the row was inserted, not updated.
                result.rejoined = try db.fetchOne(Bool.self, """
                    INSERT INTO cluster_nodes(node) VALUES (?) ON CONFLICT (node) DO UPDATE SET heartbeat_at = now()
                    RETURNING (xmax = 0)
                    """, [node]) ?? false
            }
            var rows = x.rows
            if result.rejoined {
                rows = [:]
                for row in everyRow() { rows[row.user] = row }
            }
            // Nothing below is waited for one by one (a login storm changes a row per user, and
            // each answer waited for cost a round trip): the writes go out back to back and are
            // checked together, at the read of the live nodes or at COMMIT.
            try Self.writeRows(rows, node: node, db)
            for s in x.statuses {
                try db.executePipelined("UPDATE cluster_presence SET status = ? WHERE user_id = ?", [s.status, s.user])
            }
            if !rows.isEmpty {
                try db.executePipelined("UPDATE cluster_nodes SET version = nextval('cluster_version') WHERE node = ?", [node])
            }
            for s in x.statuses {
                try db.executePipelined("""
                    UPDATE cluster_nodes SET version = nextval('cluster_version')
                    WHERE node IN (SELECT node FROM cluster_presence WHERE user_id = ?)
                    """, [s.user])
            }
            if !rows.isEmpty || !x.statuses.isEmpty {
                try db.executePipelined("SELECT pg_notify(?, ?)", [Self.channel, presenceNotice])
            }
            for payload in x.notifications {
                try db.executePipelined("SELECT pg_notify(?, ?)", [Self.channel, payload])
            }
            if let known = x.known {
                var live: [String: Int64] = [:]
                try db.forEach("SELECT node, version FROM cluster_nodes WHERE heartbeat_at > now() - (?::bigint * interval '1 millisecond')",
                               [timeout]) { r in live[r["node"]] = r["version"] }
                for (other, version) in live where known[other] != version {
                    result.changed[other] = try db.fetchAll("""
                        SELECT user_id, status, limit_keys FROM cluster_presence WHERE node = ? ORDER BY user_id
                        """, [other]).map { r in
                        let keys: String = r["limit_keys"]
                        return ClusterPresenceRow(node: other, user: r["user_id"], status: r["status"],
                                                  limitKeys: keys.split(separator: ",").compactMap { Int64($0) })
                    }
                }
                result.live = live
            }
            return result
        }
    }

    /// Rows per statement of `writeRows`: 4,000 parameters, well under PostgreSQL's 65,535.
    static let rowsPerStatement = 1_000

    /// This node's changed rows: upserts and deletes, each in statements of many rows.
    private static func writeRows(_ rows: [Int64: ClusterPresenceRow?], node: String, _ db: SQLDB) throws {
        var upserts: [SQLValue] = []
        var deletes: [Int64] = []
        for (user, row) in rows {
            if let row {
                upserts += [.text(node), .int(user), .text(row.status), .text(row.limitKeys.map(String.init).joined(separator: ","))]
            } else {
                deletes.append(user)
            }
        }
        let upsertRows = upserts.count / 4
        for first in stride(from: 0, to: upsertRows, by: rowsPerStatement) {
            let count = min(rowsPerStatement, upsertRows - first)
            // One row per user (`rows` is keyed by user): ON CONFLICT meets each key once.
            try db.executePipelined("""
                INSERT INTO cluster_presence(node, user_id, status, limit_keys) VALUES \(PendingPostRows.placeholders(rows: count, columns: 4))
                ON CONFLICT (node, user_id) DO UPDATE SET status = excluded.status, limit_keys = excluded.limit_keys
                """, SQLArguments(values: Array(upserts[(first * 4)..<((first + count) * 4)])))
        }
        for first in stride(from: 0, to: deletes.count, by: rowsPerStatement) {
            let users = deletes[first..<min(first + rowsPerStatement, deletes.count)]
            // `($1, …, $n)`, then the node as $n+1.
            let list = PendingPostRows.placeholders(rows: 1, columns: users.count)
            try db.executePipelined("DELETE FROM cluster_presence WHERE user_id IN \(list) AND node = $\(users.count + 1)",
                                    SQLArguments(values: users.map { .int($0) } + [.text(node)]))
        }
    }

    /// A clean stop: this node's rows go at once (not after the timeout) and the others are told.
    public func leave(presenceNotice: String) async throws {
        let node = node
        try await backend.write { db in
            try db.execute("DELETE FROM cluster_nodes WHERE node = ?", [node])
            try db.execute("SELECT pg_notify(?, ?)", [Self.channel, presenceNotice])
        }
    }

    public func shutdown() async {
        await backend.shutdown()
    }
}
