import Foundation
import SwarmProtocol
import Testing

@Suite("Private channels stay private", .hangGuard)
struct PrivacyTests {
    @Test("a non-member cannot read, post, search, list members, join or resume into a private channel")
    func outsiderIsRefused() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let mallory = try await server.client("mallory")
            let start = mallory.conn.hello!.seq
            let secret = try await alice.createChannel("vip-escalations", kind: .private)
            let msg = try await alice.post(secret.id, "VIP customer refund approved")

            #expect(try await mallory.refusal(.history, HistoryRequest(channel: secret.id)) == .forbidden)
            #expect(try await mallory.refusal(.messagePost, MessagePostRequest(channel: secret.id, body: "x")) == .forbidden)
            #expect(try await mallory.refusal(.threadGet, MessageRef(message: msg.id)) == .forbidden)
            #expect(try await mallory.refusal(.channelMembers, ChannelRef(channel: secret.id)) == .forbidden)
            #expect(try await mallory.refusal(.channelJoin, ChannelRef(channel: secret.id)) == .forbidden)
            #expect(try await mallory.refusal(.search, SearchRequest(query: "refund", channel: secret.id)) == .forbidden)
            #expect(try await mallory.refusal(.messageEdit, MessageEditRequest(message: msg.id, body: "x")) == .forbidden)
            #expect(try await mallory.refusal(.typing, TypingRequest(channel: secret.id)) == .forbidden)
            let hits = try await mallory.request(.search, SearchRequest(query: "refund"), as: SearchReply.self)
            #expect(hits.results.isEmpty)
            let list = try await mallory.request(.channelList, Empty(), as: ChannelListReply.self)
            #expect(!list.channels.contains { $0.id == secret.id })

            // Resume from before the channel existed: nothing of it is replayed.
            let again = try await TestClient.connect(url: server.url, token: mallory.token, after: start)
            let ready = try await again.event("ready")
            #expect(ready.data?["replayed"]?.int == 0)
            #expect(await again.pending("message.new").isEmpty)
            // And live: a new message in the private channel does not reach mallory, while the
            // public message posted right after it does, and is the first one she gets.
            let lobby = try await alice.createChannel("lobby", members: ["mallory"])
            _ = try await alice.post(secret.id, "second secret")
            let visible = try await alice.post(lobby.id, "hello all")
            let first = try await again.event("message.new")
            #expect(try first.decode(Message.self).id == visible.id)
        }
    }
}
