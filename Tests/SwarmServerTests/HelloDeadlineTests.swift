import Foundation
import Logging
import PostgresNIO
import SwarmClient
import SwarmProtocol
import SwarmStore
import Testing

/// The hello deadline counts until a hello arrives, not until its token check ends: a hello sent in
/// time is answered on a loaded server. The check is held up for real by locking the tokens table
/// in PostgreSQL (SQLite readers cannot be blocked from outside), so these run on PostgreSQL only.
@Suite("Hello deadline while the token is checked", .hangGuard, .enabled(if: TestBackend.postgresURL != nil))
struct HelloDeadlineTests {
    @Test("a hello that arrived in time is answered though its check outlasts the deadline")
    func answeredPastDeadline() async throws {
        try await withServer(configure: { $0.helloTimeoutSeconds = 2 }) { server in
            let token = try await server.user("alice")
            let (conn, reply) = try await Self.helloWhileTokensLocked(server, HelloRequest(token: token, client: "t"))
            #expect(reply.ok == true, "\(String(describing: reply.error))")
            _ = try await conn.request(Op.channelList.rawValue, Empty())
            await conn.close()
        }
    }

    @Test("a hello in flight at the deadline that fails is followed by close 4002")
    func failedPastDeadline() async throws {
        try await withServer(configure: { $0.helloTimeoutSeconds = 2 }) { server in
            let token = try await server.user("alice")
            let (conn, reply) = try await Self.helloWhileTokensLocked(server, HelloRequest(token: token, client: "t", after: -1))
            #expect(reply.error?.code == .badRequest)
            #expect(await conn.closed().code == 4002)
        }
    }

    /// Takes the tokens table (ACCESS EXCLUSIVE, in another session's transaction) first, then
    /// connects and sends `hello`; once the server's token read waits behind the lock and the
    /// hello deadline (2 s from the upgrade) has passed by half a second, ends the transaction
    /// and returns the connection and the hello's reply.
    private static func helloWhileTokensLocked(_ server: TestServer, _ hello: HelloRequest) async throws -> (SwarmConnection, ServerFrame) {
        let logger = Logger(label: "swarm.test.pg")
        let pg = try await PostgresConnection.connect(configuration: try PostgresLocation(url: server.config.storageURL).configuration, id: 1, logger: logger)
        do {
            _ = try await pg.query("BEGIN", logger: logger).collect()
            _ = try await pg.query("LOCK TABLE tokens IN ACCESS EXCLUSIVE MODE", logger: logger).collect()
            let conn = try await SwarmConnection.connect(url: server.url, hello: nil)
            let deadlinePassed = ContinuousClock.now + .milliseconds(2_500)
            let pending = Task { try await conn.send("hello", hello) }
            try await waitFor("the hello's token read to wait for the lock", seconds: 30) {
                try await pg.query("""
                    SELECT count(*)::int8 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                    WHERE c.relname = 'tokens' AND NOT l.granted
                    """, logger: logger).collect().first?.decode(Int64.self) ?? 0 > 0
            }
            try await Task.sleep(until: deadlinePassed)
            _ = try await pg.query("COMMIT", logger: logger).collect()
            let reply = try await pending.value
            try await pg.close()
            return (conn, reply)
        } catch {
            try? await pg.close()
            throw error
        }
    }
}
