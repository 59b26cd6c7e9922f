import Foundation
@testable import SwarmStore
import Testing

/// `readStatement` on PostgreSQL runs its body twice around one statement awaited without a
/// waiting thread (`PostgresStatementRead.swift`): what the body gets must be what a transaction
/// would have given it, and what it must not do is refused, not run.
@Suite("PostgreSQL one-statement reads", .hangGuard, .enabled(if: !TestBackend.isSQLite, "PostgreSQL only"))
struct PostgresStatementReadTests {
    @Test("the body reads its statement's rows, sees each commit before it, and a body without a statement keeps its value")
    func rowsAndCommits() async throws {
        try await PostgresReadCommitTests.withOneReader("statement-rows") { backend in
            try await backend.write { db in
                try db.execute("CREATE TABLE items (id INTEGER NOT NULL, name TEXT NOT NULL)")
                try db.execute("INSERT INTO items (id, name) VALUES (1, 'one'), (2, 'two'), (3, 'three')")
            }
            let names: @Sendable (SQLDB) throws -> [String] = { db in
                try db.fetchAll("SELECT name FROM items WHERE id >= ? ORDER BY id", [2]).map { $0["name"] }
            }
            #expect(try await backend.readStatement(names) == ["two", "three"])
            try await backend.write { db in try db.execute("INSERT INTO items (id, name) VALUES (4, 'four')") }
            #expect(try await backend.readStatement(names) == ["two", "three", "four"])
            // One that finds nothing, one that swallows its failure, one that runs no statement.
            #expect(try await backend.readStatement { db in try db.fetchOne("SELECT name FROM items WHERE id = 99") }?["name"] as String? == nil)
            #expect(try await backend.readStatement { db in (try? db.fetchOne(String.self, "SELECT name FROM items WHERE id = 1")) ?? "none" } == "one")
            #expect(try await backend.readStatement { _ in 42 } == 42)
        }
    }

    @Test("a second statement, a write, a write's id or a savepoint is refused; a failed statement reaches the body; the reader still works")
    func moreThanOneStatementRefused() async throws {
        try await PostgresReadCommitTests.withOneReader("statement-refused") { backend in
            await #expect(throws: OneStatement.NotOneStatement.self) {
                try await backend.readStatement { db in
                    _ = try db.fetchOne("SELECT 1 AS a")
                    return try db.fetchOne("SELECT 2 AS b")?["b"] as Int64?
                }
            }
            await #expect(throws: OneStatement.NotOneStatement.self) {
                try await backend.readStatement { db in try db.lastInsertedRowID }
            }
            // A write would commit by itself, outside any transaction.
            await #expect(throws: OneStatement.NotOneStatement.self) {
                try await backend.readStatement { db in try db.execute("CREATE TABLE never (id INTEGER)") }
            }
            await #expect(throws: OneStatement.NotOneStatement.self) {
                try await backend.readStatement { db in try db.inSavepoint {} }
            }
            // A statement PostgreSQL refuses comes back as its error; the connection stays usable.
            await #expect(throws: SQLStatementError.self) {
                try await backend.readStatement { db in try db.fetchOne("SELECT no_such_column FROM pg_class") }
            }
            // A body that handles its statement's failure gets to handle it, as in a transaction.
            let fallback = try await backend.readStatement { db in (try? db.fetchOne(Int64.self, "SELECT no_such_column FROM pg_class")) ?? -1 }
            #expect(fallback == -1)
            let seven = try await backend.readStatement { db in try db.fetchOne(Int64.self, "SELECT 7") }
            #expect(seven == 7)
            let tables = try await backend.readStatement { db in try db.fetchOne(Int64.self, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'never'") }
            #expect(tables == 0, "the refused write ran")
        }
    }

    @Test("PostgreSQL stops answering: the read fails with unavailable at its deadline; resumed, the next read opens a new connection")
    func stalledServer() async throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.remove() }
        // The deadline also bounds opening a connection, the new one after the thaw included: 500 ms
        // was too short for that in a loaded CI run ("did not answer in time: connecting").
        let timeouts = PostgresTimeouts(statementMilliseconds: 2000, transactionMilliseconds: 4000)
        try await PostgresReadCommitTests.withOneReader("statement-stall", server: cluster.url, timeouts: timeouts) { backend in
            let pid: @Sendable (SQLDB) throws -> Int64? = { db in try db.fetchOne(Int64.self, "SELECT pg_backend_pid()") }
            let before = try #require(try await backend.readStatement(pid))
            try cluster.freeze()
            defer { cluster.thaw() }
            await #expect(throws: SQLUnavailable.self) { try await backend.readStatement(pid) }
            cluster.thaw()
            let after = try #require(try await backend.readStatement(pid))
            #expect(after != before, "the connection whose answer never came was used again")
        }
    }
}
