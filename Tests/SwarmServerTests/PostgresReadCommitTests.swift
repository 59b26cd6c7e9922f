import Foundation
import Logging
@testable import SwarmStore
import Testing

/// A PostgreSQL read sends its COMMIT without waiting for the answer (`PostgresBackend.read`); the
/// answer is checked when the connection is used next. The transaction must still end there: a
/// read that began inside the last one's transaction would see that one's snapshot.
@Suite("PostgreSQL reads end their transactions", .hangGuard, .enabled(if: !TestBackend.isSQLite, "PostgreSQL only"))
struct PostgresReadCommitTests {
    @Test("the next read on the same connection sees what was committed after the last one")
    func nextReadSeesNewCommits() async throws {
        try await Self.withOneReader("read-commit") { backend in
            try await backend.write { db in
                try db.execute("CREATE TABLE counter (v INTEGER NOT NULL)")
                try db.execute("INSERT INTO counter (v) VALUES (1)")
            }
            let read: @Sendable (SQLDB) throws -> (value: Int64, connection: Int64) = { db in
                let row = try #require(try db.fetchOne("SELECT v, pg_backend_pid() AS pid FROM counter"))
                return (row["v"], row["pid"])
            }
            var (value, connection) = try await backend.read(read)
            #expect(value == 1)
            // Writes 2…5 through the writer, each followed by a read on the one reader.
            for next in Int64(2)...5 {
                try await backend.write { db in try db.execute("UPDATE counter SET v = ?", [next]) }
                let before = connection
                (value, connection) = try await backend.read(read)
                #expect(value == next, "a read saw an older snapshot: the last read's transaction did not end")
                #expect(connection == before, "the reader's connection was opened again")
            }
        }
    }

    @Test("a one-statement read runs outside any transaction, between reads that run inside theirs")
    func statementOutsideTransactions() async throws {
        try await Self.withOneReader("read-statement") { backend in
            let isolation: @Sendable (SQLDB) throws -> String? = { db in try db.fetchOne(String.self, "SELECT current_setting('transaction_isolation')") }
            // A read (its COMMIT left pending), a one-statement read on the same connection, a read.
            let seen = [try await backend.read(isolation), try await backend.readStatement(isolation), try await backend.read(isolation)]
            // Autocommit runs at the server's default level; the reads' BEGIN asks for repeatable read.
            #expect(seen == ["repeatable read", "read committed", "repeatable read"])
        }
    }

    /// A fresh database and a backend with one reader (every read runs on the same slot), removed
    /// after `body` however it ends. `server`: the test run's PostgreSQL unless given.
    static func withOneReader(_ label: String, server: String? = nil, timeouts: PostgresTimeouts = .standard,
                              _ body: (PostgresBackend) async throws -> Void) async throws {
        let server = try #require(server ?? TestBackend.postgresURL)
        let name = TestBackend.databaseName(URL(fileURLWithPath: "\(label)-\(UUID().uuidString)"))
        try await PostgresDatabases.create(name, serverURL: server)
        let backend = PostgresBackend(location: try PostgresLocation(url: try PostgresDatabases.url(server, database: name)), readers: 1,
                                      timeouts: timeouts, logger: Logger(label: "pg-\(label)-test"))
        let outcome: (any Error)?
        do { try await body(backend); outcome = nil } catch { outcome = error }
        await backend.shutdown()
        try? await PostgresDatabases.drop(name, serverURL: server)
        if let outcome { throw outcome }
    }
}
