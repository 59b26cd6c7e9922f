import Foundation
import Logging
@testable import SwarmStore
import Testing

/// The cluster tables' exchange writes a login storm's presence rows in statements of many rows,
/// sent without waiting for each (`PostgresClusterState.writeRows`). What another node reads back
/// must be exactly the rows written, past the statement's row limit, for upserts and deletes.
@Suite("PostgreSQL cluster presence rows", .hangGuard, .enabled(if: !TestBackend.isSQLite, "PostgreSQL only"))
struct PostgresClusterStateTests {
    @Test("1,500 rows written in one exchange, then 1,200 deleted and one changed: the other node reads exactly what is left")
    func manyRowsAcrossStatements() async throws {
        try await PostgresReadCommitTests.withOneReader("cluster-rows") { backend in
            for statement in PostgresMigrations.statements(PostgresClusterSchema.v4) {
                _ = try await backend.write { db in try db.execute(statement) }
            }
            let a = PostgresClusterState(location: backend.location, node: "node-a", nodeTimeoutMilliseconds: 60_000, logger: Logger(label: "cluster-a"))
            let b = PostgresClusterState(location: backend.location, node: "node-b", nodeTimeoutMilliseconds: 60_000, logger: Logger(label: "cluster-b"))
            let outcome: (any Error)?
            do { try await Self.stormAndLeave(a, b); outcome = nil } catch { outcome = error }
            await a.shutdown()
            await b.shutdown()
            if let outcome { throw outcome }
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
        #expect(first.changed["node-a"] == (1...total).map { row($0) })

        // 1,200 users leave, one sets away: deletes across two statements, one upsert.
        var leave = ClusterExchange()
        for user in Int64(1)...1_200 { leave.rows[user] = .some(nil) }
        leave.rows[1_300] = row(1_300, "away")
        _ = try await a.exchange(leave, presenceNotice: "a", everyRow: { [] })
        let live = try #require(first.live)
        look.known = live
        let second = try await b.exchange(look, presenceNotice: "b", everyRow: { [] })
        #expect(second.changed["node-a"] == (1_201...total).map { $0 == 1_300 ? row($0, "away") : row($0) })
    }
}
