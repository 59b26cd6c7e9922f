import Foundation
import SwarmProtocol
import SwarmStore
import Testing

@Suite("Durable log: resume, retention, idempotency", .hangGuard)
struct ResumeTests {
    /// alice and bob share #support; alice disconnects after her join (seq `lastSeen`) and bob
    /// posts `posts` messages she missed (their ids in order). alice's client is closed.
    static func missedWhileAway(_ server: TestServer, posts: Int) async throws
        -> (alice: TestClient, bob: TestClient, channel: Channel, lastSeen: Int64, posted: [String]) {
        let alice = try await server.client("alice")
        let bob = try await server.client("bob")
        let channel = try await bob.createChannel("support", members: ["alice"])
        let joined = try await alice.event("member.joined") { $0.data?["user"]?.string == alice.userId }
        let lastSeen = try #require(joined.seq)
        await alice.close()
        var posted: [String] = []
        for i in 0..<posts { posted.append(try await bob.post(channel.id, "missed \(i)").id) }
        return (alice, bob, channel, lastSeen, posted)
    }

    @Test("reconnect with after: exactly the missed 100 messages in order, then ready, then live")
    func resumeAfterDisconnect() async throws {
        try await withServer { server in
            let (alice, bob, channel, lastSeen, posted) = try await Self.missedWhileAway(server, posts: 100)
            let back = try await TestClient.connect(url: server.url, token: alice.token, after: lastSeen)
            var replayed: [String] = []
            var seqs: [Int64] = []
            for _ in 0..<100 {
                let ev = try await back.event("message.new")
                replayed.append(try ev.decode(Message.self).id)
                seqs.append(try #require(ev.seq))
            }
            let ready = try await back.event("ready")
            #expect(replayed == posted)
            #expect(seqs == seqs.sorted() && Set(seqs).count == 100)
            #expect(ready.data?["replayed"]?.int == 100)
            #expect(ready.data?["seq"]?.int == seqs.last)

            let live = try await bob.post(channel.id, "live again")
            let ev = try await back.event("message.new")
            #expect(try ev.decode(Message.self).id == live.id)
            #expect(await back.pending("message.new").isEmpty, "no duplicates after the replay")
        }
    }

    @Test("a resume point older than the retained log answers resync_required")
    func resyncRequired() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let channel = try await alice.createChannel("support")
            for i in 0..<5 { _ = try await alice.post(channel.id, "m\(i)") }
            try await server.store.pruneEvents(olderThan: "9999-12-31T00:00:00.000Z", keepLast: 2)
            await #expect(throws: SwarmError(.resyncRequired, "events after 1 are no longer retained; reload history and hello without after")) {
                _ = try await TestClient.connect(url: server.url, token: alice.token, after: 1)
            }
            // History is untouched by retention; a fresh hello works.
            let fresh = try await TestClient.connect(url: server.url, token: alice.token)
            let history = try await fresh.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self)
            #expect(history.messages.count == 5)
        }
    }

    @Test("retention that removed every event: a resume from before it answers resync_required; hello's seq is where the log got to")
    func everythingPruned() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let channel = try await alice.createChannel("support")
            for i in 0..<3 { _ = try await alice.post(channel.id, "m\(i)") }
            let head = try await server.store.head()
            try await server.store.pruneEvents(olderThan: "9999-12-31T00:00:00.000Z")
            // The log is empty, but it went as far as `head`: an older resume point cannot be served.
            await #expect(throws: SwarmError(.resyncRequired, "events after 1 are no longer retained; reload history and hello without after")) {
                _ = try await TestClient.connect(url: server.url, token: alice.token, after: 1)
            }
            let fresh = try await TestClient.connect(url: server.url, token: alice.token)
            #expect(fresh.conn.hello?.seq == head)
            // Resuming from there is not "ahead of the log", and the next post arrives live.
            let back = try await TestClient.connect(url: server.url, token: alice.token, after: head)
            try await back.event("ready")
            let next = try await alice.post(channel.id, "after the cut")
            #expect(try await back.event("message.new").decode(Message.self).id == next.id)
        }
    }

    @Test("idempotency_key: a retry returns the first result and creates nothing new")
    func idempotentPost() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let channel = try await alice.createChannel("support", members: ["bob"])
            let first = try await alice.post(channel.id, "refund issued", key: "k-1")
            let retry = try await alice.post(channel.id, "refund issued", key: "k-1")
            #expect(first == retry)
            // Keys are per user: bob's k-1 is his own.
            let bobs = try await bob.post(channel.id, "other", key: "k-1")
            #expect(bobs.id != first.id)
            // The same key on another op is a conflict.
            #expect(try await alice.refusal(.channelCreate, ChannelCreateRequest(name: "x", idempotencyKey: "k-1")) == .conflict)
            let history = try await alice.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self)
            #expect(history.messages.map(\.body) == ["refund issued", "other"])
            let c1 = try await alice.request(.channelCreate, ChannelCreateRequest(name: "ops", idempotencyKey: "c-1"), as: Channel.self)
            let c2 = try await alice.request(.channelCreate, ChannelCreateRequest(name: "ops", idempotencyKey: "c-1"), as: Channel.self)
            #expect(c1.id == c2.id)
        }
    }
}
