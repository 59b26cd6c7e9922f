import Foundation
import SwarmClient
import SwarmProtocol
@testable import SwarmStore
import Testing

/// A node's cluster turn takes its pending changes, then waits on the database; sessions that
/// come, go or change status meanwhile belong to the next turn, and the read that the waiting turn
/// brings back must not undo what the hub did in between (`ClusterNode.recheck`, `changing`).
/// `ClusterViewTests` checks the view's arithmetic on random histories; this runs the interleaving
/// on two real nodes, the turn held in the database by a lock on the presence rows. (Both tests
/// fail when a turn drops what was added while it waited.) Not forced here: another node's commit
/// landing between A's take and A's read for a user who changed on A meanwhile (A holds that
/// status back and offers it again next read): once the lock goes, the waiting turns run together
/// and PostgreSQL decides their order.
@Suite("Cluster turns racing sessions", .hangGuard, .serialized, .enabled(if: !TestBackend.isSQLite))
struct NodesTurnRaceTests {
    /// Two nodes that turn only for changes and notices (no heartbeat read comes to correct
    /// anything): bob on B and carol on A watch presence, alice has a session on each node.
    struct Desk {
        let nodes: TwoNodes
        let admin: PostgresBackend
        let bobOnB: TestClient, carolOnA: TestClient, aliceOnA: TestClient, aliceOnB: TestClient
        let daveToken: String
        var alice: String { aliceOnA.userId }

        /// Runs `body` on a fresh desk; the nodes stop whatever happens.
        static func with(_ body: (Desk) async throws -> Void) async throws {
            let nodes = try await TwoNodes.start(environment: ["SWARM_CLUSTER_HEARTBEAT_MS": "60000", "SWARM_CLUSTER_NODE_TIMEOUT_MS": "600000"])
            defer { nodes.stop() }
            let admin = try NodesPostgresTests.backend(nodes)
            defer { Task { await admin.shutdown() } }
            let desk = try await connect(nodes, admin)
            try await body(desk)
            for client in [desk.bobOnB, desk.carolOnA, desk.aliceOnA, desk.aliceOnB] { await client.close() }
        }

        private static func connect(_ nodes: TwoNodes, _ admin: PostgresBackend) async throws -> Desk {
            let (carolToken, daveToken) = (try nodes.addUser("carol"), try nodes.addUser("dave"))
            let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
            try await bobOnB.event("ready")
            let carolOnA = try await TestClient.connect(url: nodes.a.url, token: carolToken, presence: true)
            try await carolOnA.event("ready")
            // Alice on B first, and her online seen on A, which only A's read of B's rows can
            // give: A knows she is on B before her session on A opens. (The other order let A
            // miss that for a moment, and her leaving A then sent carol an early offline, which
            // the test later took for the one it waited for: it failed once in six runs so.)
            let aliceOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.alice)
            try await aliceOnB.event("ready")
            try await NodesEphemeralTests.presence(carolOnA, of: aliceOnB.userId, .online)
            try await NodesEphemeralTests.presence(bobOnB, of: aliceOnB.userId, .online)
            try await NodesEphemeralTests.presence(bobOnB, of: carolOnA.userId, .online)
            let aliceOnA = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
            try await aliceOnA.event("ready")
            return Desk(nodes: nodes, admin: admin, bobOnB: bobOnB, carolOnA: carolOnA,
                        aliceOnA: aliceOnA, aliceOnB: aliceOnB, daveToken: daveToken)
        }

        /// Locks the presence rows, so every turn that writes or reads them waits (well inside the
        /// nodes' 5 s statement timeout and the holder's idle-in-transaction timeout); dave's login
        /// then starts a turn on A that takes his row and waits. `meanwhile` runs while it waits,
        /// then the lock goes. Returns dave's session.
        func whileATurnWaits(_ meanwhile: () async throws -> Void) async throws -> TestClient {
            let gate = PipelinedWriteTests.Gate()
            let holder = Task {
                try await admin.write { db in
                    try db.execute("LOCK TABLE cluster_presence IN ACCESS EXCLUSIVE MODE")
                    gate.started.signal()
                    _ = gate.release.wait(timeout: .now() + 3)
                }
            }
            try await PipelinedWriteTests.waitOff { gate.started.wait(timeout: .now() + 20) == .success }
            let daveOnA = try await TestClient.connect(url: nodes.a.url, token: daveToken)
            try await daveOnA.event("ready")
            try await NodesTurnRaceTests.waitForLockWaiter(admin)
            try await meanwhile()
            gate.release.signal()
            try await holder.value
            return daveOnA
        }
    }

    @Test("sessions that come, go and change status while a turn waits in the database: both nodes end with the same, true presence")
    func changesDuringABlockedTurn() async throws {
        try await Desk.with { desk in
            let (alice, bobOnB, carolOnA) = (desk.alice, desk.bobOnB, desk.carolOnA)
            // Meanwhile: alice leaves A (she stays on B), sets herself away on B, and carol goes away on A.
            let daveOnA = try await desk.whileATurnWaits {
                await desk.aliceOnA.close()
                _ = try await desk.aliceOnB.request(.presenceSet, PresenceSetRequest(status: .away))
                _ = try await carolOnA.request(.presenceSet, PresenceSetRequest(status: .away))
            }

            // Everyone sees the truth, on either node, events and lists alike.
            try await NodesEphemeralTests.presence(carolOnA, of: alice, .away)
            try await NodesEphemeralTests.presence(carolOnA, of: daveOnA.userId, .online)
            try await NodesEphemeralTests.presence(bobOnB, of: carolOnA.userId, .away)
            try await NodesEphemeralTests.presence(bobOnB, of: daveOnA.userId, .online)
            let truth = [
                PresenceEntry(user: alice, status: .away), PresenceEntry(user: bobOnB.userId, status: .online),
                PresenceEntry(user: carolOnA.userId, status: .away), PresenceEntry(user: daveOnA.userId, status: .online),
            ].sorted { $0.user < $1.user }
            try await Self.expectLists(truth, on: [carolOnA, bobOnB])

            // Alice's last session goes: offline on both.
            await desk.aliceOnB.close()
            try await NodesEphemeralTests.presence(carolOnA, of: alice, .offline)
            try await NodesEphemeralTests.presence(bobOnB, of: alice, .offline)
            try await Self.expectLists(truth.filter { $0.user != alice }, on: [carolOnA, bobOnB])
            await daveOnA.close()
        }
    }

    @Test("a status set on B while A's turn waits, and a new session of the same user on A meanwhile: the status holds on both nodes")
    func statusSetAndLoginDuringABlockedTurn() async throws {
        try await Desk.with { desk in
            let (alice, bobOnB, carolOnA) = (desk.alice, desk.bobOnB, desk.carolOnA)
            // Alice goes away on B (B's turn writes her rows on both nodes, once the lock is gone), and
            // opens a second session on A before A has read that.
            var aliceAgainOnA: TestClient?
            let daveOnA = try await desk.whileATurnWaits {
                _ = try await desk.aliceOnB.request(.presenceSet, PresenceSetRequest(status: .away))
                aliceAgainOnA = try await TestClient.connect(url: desk.nodes.a.url, token: desk.nodes.alice)
                try await aliceAgainOnA?.event("ready")
            }

            try await NodesEphemeralTests.presence(carolOnA, of: alice, .away)
            try await NodesEphemeralTests.presence(carolOnA, of: daveOnA.userId, .online)
            try await NodesEphemeralTests.presence(bobOnB, of: daveOnA.userId, .online)
            let truth = [
                PresenceEntry(user: alice, status: .away), PresenceEntry(user: bobOnB.userId, status: .online),
                PresenceEntry(user: carolOnA.userId, status: .online), PresenceEntry(user: daveOnA.userId, status: .online),
            ].sorted { $0.user < $1.user }
            try await Self.expectLists(truth, on: [carolOnA, bobOnB])
            await daveOnA.close()
            await aliceAgainOnA?.close()
        }
    }

    /// Waits until a statement of this database waits for a lock: the node's turn (20 s at most).
    static func waitForLockWaiter(_ admin: PostgresBackend) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let waiting = try await admin.read { db in
                try db.fetchOne(Int64.self, """
                    SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                    WHERE NOT l.granted AND d.datname = current_database()
                    """) ?? 0
            }
            if waiting > 0 { return }
            guard ContinuousClock.now < deadline else { throw Timeout(what: "a turn waiting on the lock") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// `presence.list` on each client's node is `expected`. Asked after the presence events that
    /// the same hub state produced, so no catching up is left.
    static func expectLists(_ expected: [PresenceEntry], on clients: [TestClient]) async throws {
        for client in clients {
            let list = try await NodesEphemeralTests.list(client)
            #expect(list == expected, "presence.list of \(client.userId): \(list.map { "\($0.user) \($0.status.rawValue)" })")
        }
    }
}
