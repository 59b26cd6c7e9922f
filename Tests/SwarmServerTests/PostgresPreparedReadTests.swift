import Foundation
import Logging
@testable import SwarmStore
import Testing

/// The token checks run as statements PostgreSQL keeps prepared on each connection
/// (`PostgresPreparedReads`). What a login reads must not change for it: the same principal and
/// log head, a revocation seen at once, and a new connection (or a newer node's added column)
/// handled without failing a login.
@Suite("PostgreSQL prepared token reads", .hangGuard, .enabled(if: !TestBackend.isSQLite, "PostgreSQL only"))
struct PostgresPreparedReadTests {
    @Test("token checks are prepared on the reader's connection, see revocations, survive a users column added or retyped and a killed connection")
    func preparedTokenReads() async throws {
        let server = try #require(TestBackend.postgresURL)
        let name = TestBackend.databaseName(URL(fileURLWithPath: "prepared-\(UUID().uuidString)"))
        try await PostgresDatabases.create(name, serverURL: server)
        let options = StoreOptions(path: "", readers: 1, backend: .postgres, url: try PostgresDatabases.url(server, database: name))
        let store = try await SQLiteStore.connect(options, logger: Logger(label: "pg-prepared-test"))
        let outcome: (any Error)?
        do { try await Self.check(store); outcome = nil } catch { outcome = error }
        await store.close()
        try? await PostgresDatabases.drop(name, serverURL: server)
        if let outcome { throw outcome }
    }

    static let pid: @Sendable (SQLDB) throws -> Int64? = { db in try db.fetchOne(Int64.self, "SELECT pg_backend_pid()") }

    private static func check(_ store: SQLiteStore) async throws {
        let (alice, aliceToken) = try await store.createUser(name: "alice", role: .agent, displayName: "Alice")
        let (_, bobToken) = try await store.createUser(name: "bob", role: .agent)
        // Several logins on the one reader connection: the first prepares, the rest execute.
        for _ in 0..<3 {
            let start = try #require(try await store.authenticateSession(token: aliceToken))
            #expect(start.user == alice)
            #expect(start.principal.name == "alice")
            #expect(start.head == (try await store.head()))
        }
        #expect(try await store.authenticate(token: bobToken)?.0.name == "bob")
        #expect(try await store.authenticateSession(token: "no-such-token") == nil)
        let bobId = try #require(try await store.authenticate(token: bobToken)?.0.tokenId)
        #expect(try await store.isTokenLive(id: bobId))

        // The three statements are prepared on the reader's connection (the only one it has).
        let names: @Sendable (SQLDB) throws -> [String] = { db in
            try db.fetchAll("SELECT name FROM pg_prepared_statements WHERE name LIKE 'swarm_%' ORDER BY name").map { $0["name"] }
        }
        #expect(try await store.backend.readStatement(names) == ["swarm_token_live", "swarm_token_principal", "swarm_token_session_start"])

        // A revocation is seen by the next check: a plan is kept, never an answer.
        _ = try await store.revokeTokens(user: "bob")
        #expect(try await store.authenticate(token: bobToken) == nil)
        #expect(try await store.isTokenLive(id: bobId) == false)

        // A newer node's migration adds a column to users while this connection holds its plans.
        try await store.backend.write { db in try db.execute("ALTER TABLE users ADD COLUMN prepared_test_extra TEXT") }
        #expect(try await store.authenticateSession(token: aliceToken)?.user == alice)
        // One changes the type of a column it reads: the prepared plan is refused, and the login
        // goes once more, unnamed, on a new connection.
        let before = try #require(try await store.backend.readStatement(Self.pid))
        try await store.backend.write { db in try db.execute("ALTER TABLE users ALTER COLUMN skills TYPE varchar(4000)") }
        #expect(try await store.authenticateSession(token: aliceToken)?.user == alice)
        #expect(try await store.backend.readStatement(Self.pid) != before, "the connection with the refused plan was kept")

        // The reader's connection dies: one read fails, the next prepares on a new connection.
        let reader = try #require(try await store.backend.readStatement(Self.pid))
        try await store.backend.write { db in _ = try db.fetchOne("SELECT pg_terminate_backend(?::int)", [reader]) }
        _ = try? await store.authenticateSession(token: aliceToken)
        #expect(try await store.authenticateSession(token: aliceToken)?.user == alice)
        #expect(try await store.backend.readStatement(Self.pid) != reader)
        #expect(try await store.backend.readStatement(names).contains("swarm_token_session_start"))
    }
}
