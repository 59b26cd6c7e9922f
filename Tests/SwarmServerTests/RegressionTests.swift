import Foundation
import SwarmClient
import SwarmProtocol
import Testing

/// Behaviour found wrong in review and fixed; each test names what used to happen.
@Suite("Regressions from the protocol review", .hangGuard)
struct RegressionTests {
    @Test("revoking one's own tokens: the reply arrives, then the session closes with 4001")
    func selfRevokeGetsItsReply() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let reply = try await alice.request(.tokenRevoke, TokenRevokeRequest(user: "alice"), as: TokenRevokeReply.self)
            #expect(reply.revoked == 1)
            #expect(await alice.conn.closed().code == 4001)
        }
    }

    @Test("hello with an after beyond the log head is refused instead of silently dropping events")
    func afterAheadOfHead() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let head = try #require(alice.conn.hello?.seq)
            await #expect(throws: SwarmError.badRequest("after \(head + 1000) is ahead of the event log (head \(head))")) {
                _ = try await TestClient.connect(url: server.url, token: alice.token, after: head + 1000)
            }
        }
    }

    @Test("a replay never hands out text that was edited away or deleted")
    func replayIsRedacted() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let channel = try await alice.createChannel("support", members: ["bob"])
            let start = try #require(try await bob.event("member.joined") { $0.data?["user"]?.string == bob.userId }.seq)
            await bob.close()
            let secret = try await alice.post(channel.id, "card 4111 1111 1111 1111 @bob")
            let typo = try await alice.post(channel.id, "refund 300 EUR")
            _ = try await alice.request(.messageDelete, MessageRef(message: secret.id))
            _ = try await alice.request(.messageEdit, MessageEditRequest(message: typo.id, body: "refund 30 EUR"))

            let back = try await TestClient.connect(url: server.url, token: bob.token, after: start)
            try await back.event("ready")
            var seen: [String] = []
            for name in ["message.new", "mention", "message.edited"] {
                for frame in await back.pending(name) { seen.append(frame.data?.description ?? "") }
            }
            #expect(!seen.isEmpty)
            #expect(!seen.contains { $0.contains("4111") }, "deleted text was replayed")
            #expect(!seen.contains { $0.contains("300 EUR") }, "edited-away text was replayed")
            // The audit keeps both for the author.
            let audit = try await alice.request(.messageVersions, MessageRef(message: secret.id), as: MessageVersionsReply.self)
            #expect(audit.versions.first?.body.contains("4111") == true)
        }
    }

    @Test("mentions removed by an edit stop counting; read.mark never reports moving back")
    func mentionsAndReadMarker() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let channel = try await alice.createChannel("support", members: ["bob", "bob", "alice"])
            let joins = await bob.pending("member.joined").filter { $0.data?["user"]?.string == bob.userId }
            #expect(joins.count <= 1, "one member.joined per new member")
            let m1 = try await alice.post(channel.id, "@bob please look")
            let m2 = try await alice.post(channel.id, "second")
            _ = try await alice.request(.messageEdit, MessageEditRequest(message: m1.id, body: "never mind"))
            var unread = try await bob.request(.unreadList, Empty(), as: UnreadListReply.self)
            #expect(unread.channels.first { $0.channel == channel.id }?.mentions == 0)
            _ = try await bob.request(.readMark, ReadMarkRequest(channel: channel.id, message: m2.id))
            let back = try await bob.request(.readMark, ReadMarkRequest(channel: channel.id, message: m1.id), as: ReadUpdatedEvent.self)
            #expect(back.message == m2.id)
            unread = try await bob.request(.unreadList, Empty(), as: UnreadListReply.self)
            #expect(unread.channels.first { $0.channel == channel.id }?.unread == 0)
        }
    }

    @Test("dm. channel names are reserved; dm.open only returns direct-message channels")
    func dmNamesReserved() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let a = try #require(Int(alice.userId.dropFirst()))
            let b = try #require(Int(bob.userId.dropFirst()))
            #expect(try await alice.refusal(.channelCreate, ChannelCreateRequest(name: "dm.\(a).\(b)")) == .badRequest)
            let dm = try await alice.request(.dmOpen, DMOpenRequest(user: "bob"), as: Channel.self)
            #expect(dm.kind == .dm)
        }
    }
}
