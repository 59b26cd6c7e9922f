import Foundation
import Logging
@testable import SwarmStore
import Testing

/// The cluster tables' exchange writes a login storm's presence rows in statements of many rows,
/// sent without waiting for each (`PostgresClusterState.writeRows`), and a node that has read
/// another's rows reads only what changed since (`readRows`). What another node reads must be
/// exactly what was written, past the statement's row limit: upserts, departures, a status set
/// from another node, a user who comes back.
@Suite("PostgreSQL cluster presence rows", .hangGuard, .enabled(if: !TestBackend.isSQLite, "PostgreSQL only"))
struct PostgresClusterStateTests {
    @Test("1,500 rows written in one exchange, then 1,200 gone and one changed, then a status set elsewhere: the other node reads exactly the changes, or all that is left")
    func manyRowsAcrossStatements() async throws {
        try await Self.withTwoNodes("cluster-rows") { _, a, b in try await Self.stormAndLeave(a, b) }
    }

    @Test("a node whose row was inserted again, or that does not version its rows, is read whole; status sets from two nodes at once both commit")
    func wholeReadsAndConcurrentStatuses() async throws {
        try await Self.withTwoNodes("cluster-edges") { backend, a, b in try await Self.edges(backend, a, b) }
    }

    /// A fresh database with the cluster tables, and the cluster state of two nodes on it (shut
    /// down however `body` ends).
    private static func withTwoNodes(_ label: String,
                                     _ body: (PostgresBackend, PostgresClusterState, PostgresClusterState) async throws -> Void) async throws {
        try await PostgresReadCommitTests.withOneReader(label) { backend in
            for statement in PostgresMigrations.statements(PostgresClusterSchema.v4 + "\n" + PostgresClusterSchema.v6) {
                _ = try await backend.write { db in try db.execute(statement) }
            }
            let a = PostgresClusterState(location: backend.location, node: "node-a", nodeTimeoutMilliseconds: 60_000, logger: Logger(label: "cluster-a"))
            let b = PostgresClusterState(location: backend.location, node: "node-b", nodeTimeoutMilliseconds: 60_000, logger: Logger(label: "cluster-b"))
            let outcome: (any Error)?
            do { try await body(backend, a, b); outcome = nil } catch { outcome = error }
            await a.shutdown()
            await b.shutdown()
            if let outcome { throw outcome }
        }
    }

    private static func edges(_ backend: PostgresBackend, _ a: PostgresClusterState, _ b: PostgresClusterState) async throws {
        @Sendable func rowOf(_ node: String, _ user: Int64, _ status: String = "online") -> ClusterPresenceRow {
            ClusterPresenceRow(node: node, user: user, status: status, limitKeys: [user])
        }
        var rowsA = ClusterExchange()
        rowsA.heartbeat = true
        _ = try await a.exchange(rowsA, presenceNotice: "a", everyRow: { [] })
        rowsA.rows = [1: rowOf("node-a", 1), 2: rowOf("node-a", 2)]
        _ = try await a.exchange(rowsA, presenceNotice: "a", everyRow: { [] })
        var rowsB = ClusterExchange()
        rowsB.heartbeat = true
        _ = try await b.exchange(rowsB, presenceNotice: "b", everyRow: { [] })
        rowsB.rows = [1: rowOf("node-b", 1)]
        _ = try await b.exchange(rowsB, presenceNotice: "b", everyRow: { [] })
        var look = ClusterExchange()
        look.known = [:]
        let first = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        let known = try #require(first.live)

        // Node A's row swept and inserted again: its rows are only those it writes again.
        _ = try await backend.write { db in try db.execute("DELETE FROM cluster_nodes WHERE node = 'node-a'") }
        var again = ClusterExchange()
        again.heartbeat = true
        let rejoin = try await a.exchange(again, presenceNotice: "a", everyRow: { [rowOf("node-a", 3)] })
        #expect(rejoin.rejoined)
        look.known = known
        let afterRejoin = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        #expect(afterRejoin.changed["node-a"] == ClusterRowChanges(complete: true, rows: [rowOf("node-a", 3)], gone: []))

        // A node that does not say it versions its rows (an older swarmd) is read whole.
        let knownNow = try #require(afterRejoin.live)
        _ = try await backend.write { db in
            try db.execute("UPDATE cluster_nodes SET row_versions = false, version = nextval('cluster_version') WHERE node = 'node-a'")
        }
        look.known = knownNow
        let older = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        #expect(older.changed["node-a"] == ClusterRowChanges(complete: true, rows: [rowOf("node-a", 3)], gone: []))

        // User 1 has rows on both nodes; both set their status at once, again and again: each
        // holds both node rows in the same order, so neither waits on the other in a ring
        // (PostgreSQL would fail one with a deadlock after a second).
        rowsA.rows = [1: rowOf("node-a", 1)]
        _ = try await a.exchange(rowsA, presenceNotice: "a", everyRow: { [] })
        for round in 0..<20 {
            var fromA = ClusterExchange()
            fromA.statuses = [(user: 1, status: round % 2 == 0 ? "away" : "dnd")]
            var fromB = ClusterExchange()
            fromB.statuses = [(user: 1, status: "online")]
            async let one = a.exchange(fromA, presenceNotice: "a", everyRow: { [] })
            async let two = b.exchange(fromB, presenceNotice: "b", everyRow: { [] })
            _ = try await (one, two)
        }
    }

    private static func row(_ user: Int64, _ status: String = "online") -> ClusterPresenceRow {
        ClusterPresenceRow(node: "node-a", user: user, status: status, limitKeys: [user, -user])
    }

    /// Node A writes, node B reads what A has.
    private static func stormAndLeave(_ a: PostgresClusterState, _ b: PostgresClusterState) async throws {
        let total = Int64(PostgresClusterState.rowsPerStatement + 500)
        // Joining (the first exchange finds no row of its own), then every user's row at once.
        var join = ClusterExchange()
        join.heartbeat = true
        _ = try await a.exchange(join, presenceNotice: "a", everyRow: { [] })
        var storm = ClusterExchange()
        for user in 1...total { storm.rows[user] = row(user) }
        _ = try await a.exchange(storm, presenceNotice: "a", everyRow: { [] })

        var look = ClusterExchange()
        look.heartbeat = true
        look.known = [:]
        let first = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        #expect(first.changed["node-a"] == ClusterRowChanges(complete: true, rows: (1...total).map { row($0) }, gone: []))

        // 1,200 users leave, one sets away: deletes across two statements, one upsert.
        var leave = ClusterExchange()
        for user in Int64(1)...1_200 { leave.rows[user] = .some(nil) }
        leave.rows[1_300] = row(1_300, "away")
        _ = try await a.exchange(leave, presenceNotice: "a", everyRow: { [] })
        let live = try #require(first.live)
        look.known = live
        // A reader that has the rows reads only what changed since; one that has none reads all
        // rows that are left.
        let second = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        #expect(second.changed["node-a"] == ClusterRowChanges(complete: false, rows: [row(1_300, "away")], gone: Array(1...1_200)))
        #expect(second.changed["node-b"] == nil, "node B's own rows did not change")
        look.known = [:]
        let fresh = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        #expect(fresh.changed["node-a"] == ClusterRowChanges(complete: true, rows: (1_201...total).map { $0 == 1_300 ? row($0, "away") : row($0) }, gone: []))

        // B sets the user away on every node's row: A's row of theirs changes, B reads it as a change.
        var status = ClusterExchange()
        status.statuses = [(user: 1_400, status: "dnd")]
        _ = try await b.exchange(status, presenceNotice: "b", everyRow: { [] })
        let secondLive = try #require(second.live)
        look.known = secondLive
        let third = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        #expect(third.changed["node-a"] == ClusterRowChanges(complete: false, rows: [row(1_400, "dnd")], gone: []))
        #expect(third.changed["node-b"] == nil, "node B has no row of that user; its version must not move")

        // A user who went comes back: a row again, no longer among the gone.
        var back = ClusterExchange()
        back.rows[5] = row(5)
        _ = try await a.exchange(back, presenceNotice: "a", everyRow: { [] })
        let thirdLive = try #require(third.live)
        look.known = thirdLive
        let fourth = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        #expect(fourth.changed["node-a"] == ClusterRowChanges(complete: false, rows: [row(5)], gone: []))
        look.known = [:]
        let all = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        #expect(all.changed["node-a"]?.rows.first == row(5))
        #expect(all.changed["node-a"]?.rows.count == Int(total) - 1_200 + 1)
    }
}
