import Foundation
import Logging
import SwarmClient
import SwarmProtocol
@testable import SwarmStore
import Testing

/// Several `swarmd` nodes on one PostgreSQL database: what only PostgreSQL has (LISTEN/NOTIFY, the
/// log head that orders seq by commit across nodes). The tests that hold on both backends are
/// NodesTests, which run here too when SWARM_TEST_POSTGRES_URL is set.
@Suite("Several nodes on PostgreSQL", .hangGuard, .serialized, .enabled(if: !TestBackend.isSQLite))
struct NodesPostgresTests {
    /// A connection of the test's own to the nodes' database.
    static func backend(_ nodes: TwoNodes) throws -> PostgresBackend {
        PostgresBackend(location: try PostgresLocation(url: try #require(nodes.postgresURL)), readers: 1, logger: Logger(label: "nodes-pg-test"))
    }

    @Test("NOTIFY wakes node B: a post on A arrives with the poll at a minute, and again after B's listener was cut")
    func notifyWakes() async throws {
        // Polls so slow that only a NOTIFY (or the listener's reconnect) can deliver within the deadlines.
        let nodes = try await TwoNodes.start(environment: ["SWARM_CLUSTER_POLL_MS": "60000", "SWARM_CLUSTER_NOTIFY_POLL_MS": "600000"])
        defer { nodes.stop() }
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        let bob = try await TestClient.connect(url: nodes.b.url, token: nodes.bob)
        try await bob.event("ready")
        _ = try await alice.post("#general", "woken by notify")
        try await bob.event("message.new", seconds: 10) { $0.data?["body"]?.string == "woken by notify" }

        // Cut every LISTEN connection on the database (both nodes'): each must reconnect by itself.
        let admin = try Self.backend(nodes)
        defer { Task { await admin.shutdown() } }
        let cut = try await admin.write { db in
            try db.fetchAll(Int64.self, """
                SELECT pg_terminate_backend(pid)::int FROM pg_stat_activity
                WHERE datname = current_database() AND query ILIKE 'LISTEN%'
                """).count
        }
        #expect(cut == 2, "one listener per node")
        _ = try await alice.post("#general", "after the cut")
        try await bob.event("message.new", seconds: 10) { $0.data?["body"]?.string == "after the cut" }
        // And live again: the reconnected listener takes the next NOTIFY.
        _ = try await alice.post("#general", "listening again")
        try await bob.event("message.new", seconds: 10) { $0.data?["body"]?.string == "listening again" }
        await alice.close()
        await bob.close()
    }

    @Test("seq race: writers on both nodes flat out; a reader tailing seq > last never skips a seq that shows up later")
    func seqRace() async throws {
        let nodes = try await TwoNodes.start(environment: ["SWARM_LIMITS_OPS_PER_SECOND": "100000", "SWARM_LIMITS_OPS_BURST": "100000"])
        defer { nodes.stop() }
        let reader = try Self.backend(nodes)
        defer { Task { await reader.shutdown() } }
        let writers = try await withThrowingTaskGroup(of: TestClient.self) { group in
            for (i, url) in [nodes.a.url, nodes.b.url, nodes.a.url, nodes.b.url, nodes.a.url, nodes.b.url].enumerated() {
                group.addTask { try await TestClient.connect(url: url, token: i.isMultiple(of: 2) ? nodes.alice : nodes.bob) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let done = Locked(false)
        // The reader: the store's own tail read, as fast as it answers, while the writers run.
        let tailing = Task { () throws -> [Int64] in
            var seen: [Int64] = []
            var last: Int64 = 0
            while true {
                let finished = done.withLock { $0 }
                let after = last
                let read = try await reader.read { db in try LogTail.read(db, after: after, limit: 1000) }
                seen += read.events.map(\.seq)
                last = read.through ?? last
                // One more read after the writers stopped, so the reader has caught up.
                if finished && read.through == nil { return seen }
            }
        }
        let perWriter = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (w, client) in writers.enumerated() {
                group.addTask { for i in 0..<perWriter { _ = try await client.post("#general", "w\(w)-\(i)") } }
            }
            try await group.waitForAll()
        }
        done.withLock { $0 = true }
        let seen = try await tailing.value
        let all = try await reader.read { db in try db.fetchAll(Int64.self, "SELECT seq FROM events ORDER BY seq") }
        #expect(all.count >= writers.count * perWriter)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 }, "the reader saw seqs in increasing order")
        // Had a read returned seq n+1 before n was visible, `last` would have passed n: missing here.
        #expect(seen == all, "the reader skipped \(Set(all).subtracting(seen).sorted().prefix(10)) and saw them in the log later")
        for c in writers { await c.close() }
    }
}
