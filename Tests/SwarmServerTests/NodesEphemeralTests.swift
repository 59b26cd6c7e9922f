import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SwarmClient
import SwarmProtocol
@testable import SwarmServer
import Testing

/// Presence, typing and rate limits across two nodes on one PostgreSQL database (PROTOCOL §27):
/// they travel as NOTIFY signals on `swarm_ephemeral` and rows in the cluster tables. Each test
/// fails where presence and typing stay on their node (before pg-v4-cluster-nodes).
@Suite("Presence, typing and limits across nodes", .hangGuard, .serialized, .enabled(if: !TestBackend.isSQLite))
struct NodesEphemeralTests {
    /// Fast heartbeats, so a killed node's users go offline well within the tests' deadlines.
    static let fastHeartbeat = ["SWARM_CLUSTER_HEARTBEAT_MS": "200", "SWARM_CLUSTER_NODE_TIMEOUT_MS": "3000"]

    /// The next `presence` event about `user` (with `status`, when given: events before it are skipped).
    @discardableResult
    static func presence(_ client: TestClient, of user: String, _ status: PresenceStatus? = nil, seconds: Double = 20) async throws -> PresenceStatus? {
        let ev = try await client.event("presence", seconds: seconds) {
            $0.data?["user"]?.string == user && (status == nil || $0.data?["status"]?.string == status?.rawValue)
        }
        return ev.data?["status"]?.string.flatMap(PresenceStatus.init(rawValue:))
    }

    static func list(_ client: TestClient) async throws -> [PresenceEntry] {
        try await client.request(.presenceList, Empty(), as: PresenceListReply.self).users
    }

    @Test("a user online on node A is online on node B: presence event and presence.list, the same on both")
    func presenceSeenOnOtherNode() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
        try await bobOnB.event("ready")
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice, presence: true)
        #expect(try await Self.presence(bobOnB, of: alice.userId) == .online)
        let onB = try await Self.list(bobOnB)
        #expect(onB.contains(PresenceEntry(user: alice.userId, status: .online)))
        #expect(onB.contains(PresenceEntry(user: bobOnB.userId, status: .online)))
        // A status set on one node shows on the other, both ways.
        _ = try await bobOnB.request(.presenceSet, PresenceSetRequest(status: .dnd))
        try await Self.presence(alice, of: bobOnB.userId, .dnd)
        _ = try await alice.request(.presenceSet, PresenceSetRequest(status: .away))
        try await Self.presence(bobOnB, of: alice.userId, .away)
        let expected = [PresenceEntry(user: alice.userId, status: .away), PresenceEntry(user: bobOnB.userId, status: .dnd)]
        #expect(try await Self.list(alice) == expected, "presence.list on A")
        #expect(try await Self.list(bobOnB) == expected, "presence.list on B")
        await alice.close()
        await bobOnB.close()
    }

    @Test("offline only when the user's last session closes, whichever node it was on")
    func offlineAfterLastSession() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let bobOnA = try await TestClient.connect(url: nodes.a.url, token: nodes.bob, presence: true)
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
        try await bobOnA.event("ready")
        try await bobOnB.event("ready")
        // Each order: the last session closes on B, then on A.
        for (first, last) in [(nodes.a.url, nodes.b.url), (nodes.b.url, nodes.a.url)] {
            let aliceLast = try await TestClient.connect(url: last, token: nodes.alice)
            let alice = aliceLast.userId
            for observer in [bobOnA, bobOnB] { #expect(try await Self.presence(observer, of: alice) == .online) }
            let aliceFirst = try await TestClient.connect(url: first, token: nodes.alice)
            try await aliceFirst.event("ready")
            await aliceFirst.close()
            // A marker through the same path: once both observers have it, an offline for the first
            // close would have come before it.
            _ = try await aliceLast.request(.presenceSet, PresenceSetRequest(status: .dnd))
            for observer in [bobOnA, bobOnB] {
                #expect(try await Self.presence(observer, of: alice) == .dnd)
                #expect(await observer.pending("presence").filter { $0.data?["user"]?.string == alice }.isEmpty,
                        "no offline while a session is left on the other node")
            }
            await aliceLast.close()
            for observer in [bobOnA, bobOnB] {
                #expect(try await Self.presence(observer, of: alice) == .offline)
                #expect(!(try await Self.list(observer)).contains { $0.user == alice })
            }
        }
        await bobOnA.close()
        await bobOnB.close()
    }

    @Test("SIGKILL node A: its users go offline on node B within the heartbeat bound")
    func offlineAfterNodeKilled() async throws {
        let nodes = try await TwoNodes.start(environment: Self.fastHeartbeat)
        defer { nodes.stop() }
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
        try await bobOnB.event("ready")
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        let aliceId = alice.userId
        #expect(try await Self.presence(bobOnB, of: aliceId) == .online)
        #expect(try await Self.list(bobOnB).contains { $0.user == aliceId })
        nodes.a.kill()
        // No clean stop ran: only the missing heartbeat (1 s timeout here) tells B.
        #expect(try await Self.presence(bobOnB, of: aliceId, seconds: 20) == .offline)
        #expect(try await Self.list(bobOnB) == [PresenceEntry(user: bobOnB.userId, status: .online)])
        await bobOnB.close()
    }

    @Test("a clean stop of node A takes its users offline on B at once, not after the node timeout")
    func offlineAfterCleanStop() async throws {
        // A ten-minute timeout: only A's leaving can deliver the offline within the deadline.
        let nodes = try await TwoNodes.start(environment: ["SWARM_CLUSTER_NODE_TIMEOUT_MS": "600000"])
        defer { nodes.stop() }
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
        try await bobOnB.event("ready")
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        let aliceId = alice.userId
        #expect(try await Self.presence(bobOnB, of: aliceId) == .online)
        nodes.a.terminate()
        #expect(try await Self.presence(bobOnB, of: aliceId, seconds: 20) == .offline)
        await bobOnB.close()
    }

    @Test("a node that starts later lists the users already online on the others")
    func lateNodeReadsState() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
        try await bobOnB.event("ready")
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        _ = try await alice.request(.presenceSet, PresenceSetRequest(status: .away))
        // Once bob, watching on B, sees it, A's rows are in the table.
        try await Self.presence(bobOnB, of: alice.userId, .away)
        let c = try await ChildServer.start(db: nodes.db, environment: nodes.storage)
        defer { c.terminate() }
        // C read the table when it joined, before it took bob's hello.
        let bobOnC = try await TestClient.connect(url: c.url, token: nodes.bob)
        try await bobOnC.event("ready")
        let list = try await Self.list(bobOnC)
        #expect(list.contains(PresenceEntry(user: alice.userId, status: .away)), "\(list)")
        for client in [alice, bobOnB, bobOnC] { await client.close() }
    }

    @Test("every database connection of both nodes cut: presence and typing cross again once they reconnect")
    func crossAgainAfterConnectionsCut() async throws {
        // Heartbeats too slow to matter here: B reads only when its listener is back (and then on
        // each notice), so once B shows the status set on A, B's LISTEN is up and typing crosses.
        let nodes = try await TwoNodes.start(environment: ["SWARM_CLUSTER_HEARTBEAT_MS": "60000", "SWARM_CLUSTER_NODE_TIMEOUT_MS": "600000"])
        defer { nodes.stop() }
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
        try await bobOnB.event("ready")
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        #expect(try await Self.presence(bobOnB, of: alice.userId) == .online)
        let admin = try NodesPostgresTests.backend(nodes)
        defer { Task { await admin.shutdown() } }
        // Like a PostgreSQL restart for the nodes: LISTEN, cluster tables and store pools alike.
        let cut = try await admin.write { db in
            try db.fetchAll(Int64.self, """
                SELECT pg_terminate_backend(pid)::int FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                """).count
        }
        #expect(cut >= 4, "each node's LISTEN and cluster connection at least")
        // The status is set while A's cluster connection is gone: it is kept and written once back.
        _ = try await alice.request(.presenceSet, PresenceSetRequest(status: .dnd))
        try await Self.presence(bobOnB, of: alice.userId, .dnd)
        let general = try await alice.request(.channelList, Empty(), as: ChannelListReply.self).channels.first { $0.name == "general" }
        _ = try await alice.request(.typing, TypingRequest(channel: try #require(general).id))
        try await bobOnB.event("typing", seconds: 20) { $0.data?["user"]?.string == alice.userId }
        await alice.close()
        #expect(try await Self.presence(bobOnB, of: alice.userId) == .offline)
        await bobOnB.close()
    }

    @Test("typing on node A reaches the channel's members on node B once, and never the sending connection")
    func typingCrossesNodes() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        let bobOnA = try await TestClient.connect(url: nodes.a.url, token: nodes.bob)
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob)
        try await bobOnB.event("ready")
        let general = try await alice.request(.channelList, Empty(), as: ChannelListReply.self).channels.first { $0.name == "general" }
        let channel = try #require(general).id
        /// The next typing event `client` gets must be `user`'s (with `thread`): an echo or a second
        /// copy of an earlier one would come first. NOTIFYs reach every node in commit order, so a
        /// node that delivered a later signal has heard (and must have skipped) its own earlier ones.
        func next(_ client: TestClient, is user: String, thread: String?) async throws {
            let ev = try await client.event("typing", seconds: 20)
            #expect(ev.seq == nil)
            #expect(ev.data?["user"]?.string == user, "\(client.name): typing from \(ev.data?["user"]?.string ?? "-"), expected \(user)")
            #expect(ev.data?["channel"]?.string == channel)
            #expect(ev.data?["thread"]?.string == thread)
        }
        // Typing sent before B's listener is up is lost, as typing may be (a loaded box starts it
        // late): alice types until B hears her, then once more ("w-end"); both of bob's sessions
        // skip the warm-up up to that one, which B hears after any warm-up still on its way.
        let warmUntil = ContinuousClock.now + .seconds(60)
        for k in 1... {
            guard ContinuousClock.now < warmUntil else { throw Timeout(what: "node B to hear typing from node A") }
            _ = try await alice.request(.typing, TypingRequest(channel: channel, thread: "w\(k)"))
            if (try? await bobOnB.event("typing", seconds: 1)) != nil { break }
        }
        _ = try await alice.request(.typing, TypingRequest(channel: channel, thread: "w-end"))
        for c in [bobOnA, bobOnB] {
            while try await c.event("typing", seconds: 20).data?["thread"]?.string != "w-end" {}
        }
        _ = try await alice.request(.typing, TypingRequest(channel: channel, thread: "t1"))
        try await next(bobOnA, is: alice.userId, thread: "t1")
        try await next(bobOnB, is: alice.userId, thread: "t1")
        // Bob answers from B: alice gets his typing and not her own back; bob's other session on A
        // gets it (PROTOCOL §10: only the sending connection is left out).
        _ = try await bobOnB.request(.typing, TypingRequest(channel: channel))
        try await next(alice, is: bobOnB.userId, thread: nil)
        try await next(bobOnA, is: bobOnB.userId, thread: nil)
        // Alice again, after B sent bob's: bobOnB gets hers and never had his own.
        _ = try await alice.request(.typing, TypingRequest(channel: channel, thread: "t2"))
        try await next(bobOnB, is: alice.userId, thread: "t2")
        try await next(bobOnA, is: alice.userId, thread: "t2")
        for c in [alice, bobOnA, bobOnB] {
            #expect(await c.pending("typing").isEmpty, "\(c.name): no typing twice, none echoed")
            await c.close()
        }
    }

    @Test("a token flooding both nodes gets one allowance in all, not one per node")
    func floodLimitedAcrossNodes() async throws {
        let burst = 20
        let nodes = try await TwoNodes.start(environment: ["SWARM_LIMITS_OPS_PER_SECOND": "1", "SWARM_LIMITS_OPS_BURST": "\(burst)"])
        defer { nodes.stop() }
        let bobOnA = try await TestClient.connect(url: nodes.a.url, token: nodes.bob, presence: true)
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
        try await bobOnA.event("ready")
        try await bobOnB.event("ready")
        // Each node must know of the token's sessions on the other before the flood: A from alice's
        // online on B, B from the status alice sets on A (written after her session's row).
        let aliceOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.alice)
        #expect(try await Self.presence(bobOnA, of: aliceOnB.userId) == .online)
        let aliceOnA = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        _ = try await aliceOnA.request(.presenceSet, PresenceSetRequest(status: .away))
        try await Self.presence(bobOnB, of: aliceOnB.userId, .away)

        let perNode = 2 * burst
        let started = ContinuousClock.now
        let allowed = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in [aliceOnA, aliceOnB] {
                group.addTask {
                    try await withThrowingTaskGroup(of: Bool.self) { pings in
                        for _ in 0..<perNode { pings.addTask { try await client.refusal(.ping, Empty()) == nil } }
                        return try await pings.reduce(0) { $0 + ($1 ? 1 : 0) }
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = (ContinuousClock.now - started) / .seconds(1)
        // One allowance: the burst plus 1 per second; two (one per node) would be 2 × burst and more.
        let bound = burst + Int(elapsed.rounded(.up))
        #expect(allowed <= bound, "\(allowed) pings allowed in \(elapsed) s over two nodes; one allowance is at most \(bound)")
        #expect(allowed >= burst / 2 - 1, "each node still allows its share")
        for c in [bobOnA, bobOnB, aliceOnA, aliceOnB] { await c.close() }
    }

    @Test("a login storm on node A costs at most one cluster turn per spacing, and node B still sees the user")
    func loginStormTurnsSpaced() async throws {
        let nodes = try await TwoNodes.start(environment: ["SWARM_LIMITS_OPS_PER_SECOND": "100000", "SWARM_LIMITS_OPS_BURST": "100000",
                                                           "SWARM_SERVER_MAX_CONNECTIONS_WITHOUT_HELLO_PER_ADDRESS": "1000"])
        defer { nodes.stop() }
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
        try await bobOnB.event("ready")
        func turns() async throws -> Int { try await Self.counter("swarm_cluster_turns_total", port: nodes.a.port) }

        // Every session of a user changes its row (it lists the sessions' rate-limit keys), so
        // each of these logins wakes the cluster loop.
        let started = ContinuousClock.now
        let before = try await turns()
        let sessions = try await withThrowingTaskGroup(of: TestClient.self) { group in
            for _ in 0..<100 { group.addTask { try await TestClient.connect(url: nodes.a.url, token: nodes.alice) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let after = try await turns()
        let elapsed = ContinuousClock.now - started
        let bound = Int((elapsed / ClusterNode.turnSpacing).rounded(.up)) + 1
        #expect(after - before <= bound, "\(after - before) turns in \(elapsed) for 100 logins; spaced, at most \(bound)")
        #expect(after > before, "the logins made no turn at all")
        try await Self.presence(bobOnB, of: sessions[0].userId, .online)
        for c in sessions + [bobOnB] { await c.close() }
    }

    @Test("more sessions of a user with the same token write no presence row; a new user's login writes one")
    func unchangedRowsNotWritten() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let carol = try nodes.addUser("carol")
        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, presence: true)
        try await bobOnB.event("ready")
        let first = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        try await Self.presence(bobOnB, of: first.userId, .online)
        let before = try await Self.counter("swarm_cluster_rows_written_total", port: nodes.a.port)

        var more: [TestClient] = []
        for _ in 0..<10 { more.append(try await TestClient.connect(url: nodes.a.url, token: nodes.alice)) }
        // Carol's row goes out in a turn after the one that took alice's logins (or in it): once
        // B shows her, every one of alice's logins was taken.
        let carolOnA = try await TestClient.connect(url: nodes.a.url, token: carol)
        try await Self.presence(bobOnB, of: carolOnA.userId, .online)
        let after = try await Self.counter("swarm_cluster_rows_written_total", port: nodes.a.port)
        #expect(after - before == 1, "rows written for carol's login and alice's ten more sessions (only carol's changed)")
        for c in more + [first, carolOnA, bobOnB] { await c.close() }
    }

    /// A counter from a node's /metrics (0 when it has not counted yet).
    static func counter(_ name: String, port: Int) async throws -> Int {
        let text = String(decoding: try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!).0, as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return Int(Double(line?.split(separator: " ").last ?? "0") ?? 0)
    }
}
