import Foundation
import SwarmClient
import SwarmProtocol
import SwarmServer
import SwarmTUI
import Testing

/// Several `swarmd` processes on one database (PROTOCOL §27): each fans out to its own sockets the
/// events the others committed, a resume works on any node, and clients fail over between them.
@Suite("Several nodes on one database", .hangGuard, .serialized)
struct NodesTests {
    @Test("posts on two nodes reach members on both, every one once and in seq order")
    func crossNodeOrder() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        let bob = try await TestClient.connect(url: nodes.b.url, token: nodes.bob)
        try await alice.event("ready")
        try await bob.event("ready")
        let perNode = 40
        // Both nodes write at once, so their commits interleave in the shared log.
        async let fromA: [Message] = (0..<perNode).asyncMap { try await alice.post("#general", "a\($0)") }
        async let fromB: [Message] = (0..<perNode).asyncMap { try await bob.post("#general", "b\($0)") }
        let posted = try await fromA + fromB
        for reader in [alice, bob] {
            var seen: [(seq: Int64, body: String)] = []
            for _ in 0..<(2 * perNode) {
                let ev = try await reader.event("message.new", seconds: 20)
                seen.append((try #require(ev.seq), ev.data?["body"]?.string ?? ""))
            }
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.seq < $1.seq }, "\(reader.name) got events out of seq order")
            #expect(Set(seen.map(\.body)) == Set(posted.map(\.body)), "\(reader.name) got every post once")
            // Each author's own posts arrive in the order they were acknowledged.
            for prefix in ["a", "b"] {
                #expect(seen.map(\.body).filter { $0.hasPrefix(prefix) } == (0..<perNode).map { "\(prefix)\($0)" })
            }
        }
        #expect(await alice.pending("message.new").isEmpty, "no event twice")
        #expect(await bob.pending("message.new").isEmpty, "no event twice")
        await alice.close()
        await bob.close()
    }

    @Test("resume on node B after node A replays exactly the missed events")
    func resumeOnOtherNode() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        let bobOnA = try await TestClient.connect(url: nodes.a.url, token: nodes.bob)
        try await bobOnA.event("ready")
        for i in 0..<5 { _ = try await alice.post("#general", "seen \(i)") }
        var last: Int64 = 0
        for _ in 0..<5 { last = try #require(try await bobOnA.event("message.new").seq) }
        await bobOnA.close()

        // Missed while away: posted on A, and on B by someone else.
        let carol = try nodes.addUser("carol")
        _ = try await alice.request(.channelInvite, ChannelInviteRequest(channel: "#general", user: "carol"))
        let carolOnB = try await TestClient.connect(url: nodes.b.url, token: carol)
        var missed: [String] = []
        for i in 0..<10 {
            let m = i.isMultiple(of: 2) ? try await alice.post("#general", "missed \(i)") : try await carolOnB.post("#general", "missed \(i)")
            missed.append(m.body)
        }

        let bobOnB = try await TestClient.connect(url: nodes.b.url, token: nodes.bob, after: last)
        let ready = try await bobOnB.event("ready", seconds: 20)
        let replayed = await bobOnB.pending("message.new")
        #expect(replayed.map { $0.data?["body"]?.string ?? "" } == missed, "exactly the missed posts, in order")
        #expect(replayed.allSatisfy { ($0.seq ?? 0) > last })
        #expect(ready.data?["replayed"]?.int ?? 0 >= missed.count)
        // And live from there: a post on A reaches bob on B.
        _ = try await alice.post("#general", "live after resume")
        let live = try await bobOnB.event("message.new", seconds: 20) { $0.data?["body"]?.string == "live after resume" }
        #expect((live.seq ?? 0) > (replayed.last?.seq ?? 0))
        for c in [alice, carolOnB, bobOnB] { await c.close() }
    }

    @Test("a case event committed on node A reaches, on node B, only readers the case rule admits")
    func crossNodeCasePrivacy() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        // Mia (marketing) is in #general for the campaigns, not for every customer's case.
        let mia = try nodes.addUser("mia", role: .marketing)
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        _ = try await alice.request(.channelInvite, ChannelInviteRequest(channel: "#general", user: "mia"))
        let bob = try await TestClient.connect(url: nodes.b.url, token: nodes.bob)
        let miaOnB = try await TestClient.connect(url: nodes.b.url, token: mia)
        try await miaOnB.event("ready")
        let opened = try await alice.request(.caseOpen, CaseOpenRequest(title: "Refund for order 5512 (private)", identity: Identity(channel: .email, handle: "maria@example.com"),
                                                                         channel: "#general"), as: Case.self)
        _ = try await alice.request(.caseUpdate, CaseUpdateRequest(caseId: opened.id, priority: .high), as: Case.self)
        // Bob may see it: both events reach him on B.
        try await bob.event("case.updated", seconds: 20) { $0.data?["change"]?.string == "priority" }
        // A later post is after both case events in the log: once mia has it, she had her chance.
        _ = try await alice.post("#general", "marker")
        try await miaOnB.event("message.new", seconds: 20) { $0.data?["body"]?.string == "marker" }
        #expect(await miaOnB.pending("case.updated").isEmpty, "mia is not swarmed into the case: no case event for her")
        for c in [alice, bob, miaOnB] { await c.close() }
    }

    @Test("SIGKILL node A under load: nothing acknowledged is lost; its clients fail over to B and resume without gaps or duplicates")
    func killOneNode() async throws {
        // Four controllers share alice's token and each marks the channel read as posts arrive.
        let nodes = try await TwoNodes.start(environment: ["SWARM_LIMITS_OPS_PER_SECOND": "100000", "SWARM_LIMITS_OPS_BURST": "100000"])
        defer { nodes.stop() }
        let urlsFromA = "\(nodes.a.url),\(nodes.b.url)"
        let urlsFromB = "\(nodes.b.url),\(nodes.a.url)"
        // Readers: one following from A, one from B (it must see no change at all).
        let readerA = FailoverReader(urls: [nodes.a.url, nodes.b.url], token: nodes.bob)
        let readerB = FailoverReader(urls: [nodes.b.url, nodes.a.url], token: nodes.bob)
        try await readerA.start()
        try await readerB.start()

        // Writers: the terminal client's controller (outbox with idempotency keys, failover), three
        // on A and one on B, posting as fast as they are acknowledged.
        let writers = [urlsFromA, urlsFromA, urlsFromA, urlsFromB].map { ChatController(url: $0, token: nodes.alice) }
        for w in writers { await w.start() }
        for w in writers {
            guard await w.waitUntil(seconds: 30, { $0.loaded && $0.current != nil && $0.connection == .live }) else { throw Timeout(what: "a writer to load") }
        }
        let general = try #require(await writers[0].model.current)
        let perWriter = 150
        let acked = Locked(0)
        let halfway = AsyncStream<Void>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            for (w, writer) in writers.enumerated() {
                group.addTask {
                    for i in 0..<perWriter {
                        await writer.post("w\(w)-\(i)", channel: general, thread: nil)
                        if acked.withLock({ $0 += 1; return $0 }) == writers.count * perWriter / 3 { halfway.continuation.yield() }
                    }
                }
            }
            group.addTask {
                for await _ in halfway.stream { break }
                nodes.a.kill()
            }
            await group.waitForAll()
        }
        #expect(!nodes.a.process.isRunning)

        // Every line leaves the outboxes: each acknowledged (by A before the kill, or by B).
        for (w, writer) in writers.enumerated() {
            guard await writer.waitUntil(seconds: 60, { $0.outbox.isEmpty && $0.connection == .live }) else {
                throw Timeout(what: "writer \(w) to empty its outbox: \(await writer.model.outbox.count) left")
            }
            let model = await writer.model
            #expect(model.node == "127.0.0.1:\(nodes.b.port)", "writer \(w) ends on node B")
            #expect(!model.notices.contains { $0.text.hasPrefix("not sent") }, "nothing refused")
        }
        let expected = Set((0..<writers.count).flatMap { w in (0..<perWriter).map { "w\(w)-\($0)" } })

        // Stored exactly once each (the retries carried the first attempt's idempotency key).
        let check = try await TestClient.connect(url: nodes.b.url, token: nodes.alice)
        let stored = try await check.allBodies(in: "#general")
        #expect(stored.count == expected.count, "no post stored twice")
        #expect(Set(stored) == expected, "no post lost")

        // Both readers saw every post exactly once, in seq order: reader A across its failover.
        for (name, reader) in [("A", readerA), ("B", readerB)] {
            try await reader.log.wait(seconds: 60, "reader \(name) to receive every post") { $0.received.count >= expected.count }
            let got = await reader.log.state.received
            #expect(got.count == expected.count, "reader \(name): no duplicates")
            #expect(Set(got.map(\.body)) == expected, "reader \(name): no gaps")
            #expect(zip(got, got.dropFirst()).allSatisfy { $0.seq < $1.seq }, "reader \(name): in seq order")
            reader.stop()
        }
        #expect(await readerA.log.state.connections >= 2, "reader A resumed on B")
        #expect(await readerB.log.state.connections == 1, "reader B never dropped")
        for w in writers { await w.stop() }
        await check.close()
    }
}

extension Sequence {
    /// Runs `body` on each element in turn (not concurrently), collecting the results.
    func asyncMap<T>(_ body: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await body(e)) }
        return out
    }
}
