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
    /// reader's cache): the changes since it, or all rows of a node not known; nil: no read.
    public var known: [String: ClusterNodeVersion]?
    /// Nodes whose heartbeat is older than this are deleted with their rows (nil: not now).
    public var sweepAfterMilliseconds: Int64?

    public init() {}

    public var writes: Bool { !rows.isEmpty || !statuses.isEmpty }
}

/// Where a reader is in one node's rows: the node row's generation (its insert time: a node row
/// inserted again after a sweep starts its rows afresh) and the version its rows were read at.
public struct ClusterNodeVersion: Sendable, Equatable {
    public var generation: Int64
    public var version: Int64

    public init(generation: Int64, version: Int64) {
        self.generation = generation
        self.version = version
    }
}

/// What a read found of one node's rows.
public struct ClusterRowChanges: Sendable, Equatable {
    /// True: `rows` are all the node's rows (the reader did not know the node, or its generation
    /// changed); false: only the rows changed since the known version, and `gone` the users whose
    /// row went (the node has no session of theirs any more).
    public var complete: Bool
    public var rows: [ClusterPresenceRow]
    public var gone: [Int64]

    public init(complete: Bool, rows: [ClusterPresenceRow], gone: [Int64]) {
        self.complete = complete
        self.rows = rows
        self.gone = gone
    }
}

public struct ClusterExchangeResult: Sendable {
    /// This node's row was missing (first start, swept while cut off, PostgreSQL crashed): every
    /// row of this node was written again from `everyRow`.
    public var rejoined = false
    /// Every live node (this one included) and where its rows are, when the exchange read.
    public var live: [String: ClusterNodeVersion]?
    /// What was read of the live nodes whose version was not the known one.
    public var changed: [String: ClusterRowChanges] = [:]
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
            // Row versions (`PostgresClusterSchema.v6`): a node's rows take their versions only
            // while the transaction holds that node's row, so they increase in commit order, and
            // each node's version is drawn after its rows': a reader that read a node's version
            // misses nothing when it next reads the rows above it. A status set changes the
            // user's rows on other nodes too: every node it may touch is held first, this one
            // included, in one sorted statement (so two such turns never wait on each other in
            // a ring), and only the rows of nodes held are changed.
            let held = x.statuses.isEmpty ? [] : try Self.holdNodes(node, users: x.statuses.map(\.user), db)
            if x.heartbeat || x.writes {
                // xmax = 0: the row was inserted, not updated.
                result.rejoined = try db.fetchOne(Bool.self, """
                    INSERT INTO cluster_nodes(node, row_versions) VALUES (?, true)
                    ON CONFLICT (node) DO UPDATE SET heartbeat_at = now(), row_versions = true
                    RETURNING (xmax = 0)
                    """, [node]) ?? false
            }
            if let age = x.sweepAfterMilliseconds {
                // After this node's own locks, and never waiting for a node row another turn holds
                // (that turn may be waiting for ours): such a node is swept next time.
                try db.execute("""
                    DELETE FROM cluster_nodes WHERE node IN (
                        SELECT node FROM cluster_nodes WHERE heartbeat_at < now() - (?::bigint * interval '1 millisecond')
                        FOR UPDATE SKIP LOCKED)
                    """, [age])
            }
            var rows = x.rows
            if result.rejoined {
                rows = [:]
                for row in everyRow() { rows[row.user] = row }
            }
            // Apart from the version and a status set's nodes, nothing below is waited for one by
            // one (a login storm changes a row per user): the writes go out back to back and are
            // checked together, at the read of the live nodes or at COMMIT.
            var touched: Set<String> = []
            if !rows.isEmpty {
                let version = try db.fetchOne(Int64.self, "SELECT nextval('cluster_version')") ?? 0
                try Self.writeRows(rows, node: node, version: version, db)
                touched.insert(node)
            }
            if !held.isEmpty {
                let nodes = Self.list(held.count, from: 3)
                for s in x.statuses {
                    try db.forEach("""
                        UPDATE cluster_presence SET status = $1, version = nextval('cluster_version') WHERE user_id = $2 AND node IN \(nodes)
                        RETURNING node
                        """, SQLArguments(values: [.text(s.status), .int(s.user)] + held.map { .text($0) })) { r in touched.insert(r["node"]) }
                }
            }
            if !touched.isEmpty {
                try db.executePipelined("UPDATE cluster_nodes SET version = nextval('cluster_version') WHERE node IN \(Self.list(touched.count, from: 1))",
                                        SQLArguments(values: touched.sorted().map { .text($0) }))
            }
            if !rows.isEmpty || !x.statuses.isEmpty {
                try db.executePipelined("SELECT pg_notify(?, ?)", [Self.channel, presenceNotice])
            }
            for payload in x.notifications {
                try db.executePipelined("SELECT pg_notify(?, ?)", [Self.channel, payload])
            }
            if let known = x.known {
                var live: [String: ClusterNodeVersion] = [:]
                var versioned: Set<String> = []
                try db.forEach("""
                    SELECT node, version, row_versions, (EXTRACT(EPOCH FROM started_at) * 1000000)::bigint AS generation FROM cluster_nodes
                    WHERE heartbeat_at > now() - (?::bigint * interval '1 millisecond')
                    """, [timeout]) { r in
                    live[r["node"]] = ClusterNodeVersion(generation: r["generation"], version: r["version"])
                    if r["row_versions"] as Bool { versioned.insert(r["node"]) }
                }
                for (other, now) in live where known[other] != now {
                    // A node that does not version its rows (an older swarmd, during an upgrade) is read whole.
                    let since = known[other].flatMap { $0.generation == now.generation && versioned.contains(other) ? $0.version : nil }
                    result.changed[other] = try Self.readRows(of: other, since: since, db)
                }
                result.live = live
            }
            return result
        }
    }

    /// `($first, …)` for `count` values. Numbered, not `?`: these texts differ with every count,
    /// and `PostgresPlaceholders` keeps each `?` text it translates.
    private static func list(_ count: Int, from first: Int) -> String {
        PendingPostRows.placeholders(rows: 1, columns: count, from: first)
    }

    /// Holds this node's row and those of the nodes with a row of any of `users`, in node order;
    /// returns the nodes held.
    private static func holdNodes(_ node: String, users: [Int64], _ db: SQLDB) throws -> [String] {
        let users = Array(Set(users))
        return try db.fetchAll(String.self, """
            SELECT node FROM cluster_nodes
            WHERE node = $1 OR node IN (SELECT node FROM cluster_presence WHERE user_id IN \(list(users.count, from: 2)))
            ORDER BY node FOR UPDATE
            """, SQLArguments(values: [.text(node)] + users.map { .int($0) }))
    }

    /// Rows per statement of `writeRows`: 5,000 parameters, well under PostgreSQL's 65,535.
    static let rowsPerStatement = 1_000

    /// This node's changed rows, all at `version`: upserts, and the rows of users with no session
    /// left deleted and noted in `cluster_presence_gone` (so a reader of the changes learns they
    /// went), each in statements of many rows.
    private static func writeRows(_ rows: [Int64: ClusterPresenceRow?], node: String, version: Int64, _ db: SQLDB) throws {
        var upserts: [SQLValue] = []
        var back: [Int64] = []
        var gone: [Int64] = []
        for (user, row) in rows {
            if let row {
                upserts += [.text(node), .int(user), .text(row.status), .text(row.limitKeys.map(String.init).joined(separator: ",")), .int(version)]
                back.append(user)
            } else {
                gone.append(user)
            }
        }
        for first in stride(from: 0, to: back.count, by: rowsPerStatement) {
            let count = min(rowsPerStatement, back.count - first)
            // One row per user (`rows` is keyed by user): ON CONFLICT meets each key once.
            try db.executePipelined("""
                INSERT INTO cluster_presence(node, user_id, status, limit_keys, version) VALUES \(PendingPostRows.placeholders(rows: count, columns: 5))
                ON CONFLICT (node, user_id) DO UPDATE SET status = excluded.status, limit_keys = excluded.limit_keys, version = excluded.version
                """, SQLArguments(values: Array(upserts[(first * 5)..<((first + count) * 5)])))
            try db.executePipelined("DELETE FROM cluster_presence_gone WHERE node = $1 AND user_id IN \(list(count, from: 2))",
                                    SQLArguments(values: [.text(node)] + back[first..<(first + count)].map { .int($0) }))
        }
        for first in stride(from: 0, to: gone.count, by: rowsPerStatement) {
            let users = gone[first..<min(first + rowsPerStatement, gone.count)]
            try db.executePipelined("DELETE FROM cluster_presence WHERE node = $1 AND user_id IN \(list(users.count, from: 2))",
                                    SQLArguments(values: [.text(node)] + users.map { .int($0) }))
            var values: [SQLValue] = []
            for user in users { values += [.text(node), .int(user), .int(version)] }
            try db.executePipelined("""
                INSERT INTO cluster_presence_gone(node, user_id, version) VALUES \(PendingPostRows.placeholders(rows: users.count, columns: 3))
                ON CONFLICT (node, user_id) DO UPDATE SET version = excluded.version
                """, SQLArguments(values: values))
        }
    }

    /// A node's rows: those changed since `version` and the users gone since, or all of them.
    private static func readRows(of node: String, since version: Int64?, _ db: SQLDB) throws -> ClusterRowChanges {
        var changes = ClusterRowChanges(complete: version == nil, rows: [], gone: [])
        let after = version == nil ? "" : " AND version > ?"
        let arguments = SQLArguments(values: [.text(node)] + (version.map { [.int($0)] } ?? []))
        try db.forEach("SELECT user_id, status, limit_keys FROM cluster_presence WHERE node = ?\(after) ORDER BY user_id", arguments) { r in
            let keys: String = r["limit_keys"]
            changes.rows.append(ClusterPresenceRow(node: node, user: r["user_id"], status: r["status"],
                                                   limitKeys: keys.split(separator: ",").compactMap { Int64($0) }))
        }
        if version != nil {
            changes.gone = try db.fetchAll(Int64.self, "SELECT user_id FROM cluster_presence_gone WHERE node = ? AND version > ? ORDER BY user_id", arguments)
        }
        return changes
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
