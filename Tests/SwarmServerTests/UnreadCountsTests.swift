import SwarmProtocol
import SwarmTUI
import Testing

/// The terminal client sets its unread and mention counts from `unread.list` after `hello`, then
/// counts live events. A message posted between the two is in the counts and also arrives live;
/// when its events are applied after the counts (they were in flight while the counts were
/// read; the client's event loop and its loading task interleave), it must not count twice.
@Suite("terminal client: unread counts from unread.list, then live events", .hangGuard)
struct UnreadCountsTests {
    /// The client's model as it is after loading its channels: signed in as `client`, `open`
    /// open (the first channel loaded), `other` beside it.
    static func model(of client: TestClient, open: Channel, beside other: Channel) throws -> ChatModel {
        var model = ChatModel()
        model.me = try #require(client.conn.hello?.user)
        model.upsert(open)
        model.upsert(other)
        #expect(model.current == open.id)
        return model
    }

    @Test("a message counted by unread.list and then applied live counts once; later ones count")
    func countedOnce() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let lobby = try await bob.createChannel("lobby", members: ["alice"])
            let room = try await bob.createChannel("escalations", members: ["alice"])
            var model = try Self.model(of: alice, open: lobby, beside: room)

            let early = try await bob.post(room.id, "@alice the customer from 4411 is back")
            let counts = try await alice.request(.unreadList, Empty(), as: UnreadListReply.self)
            model.setCounts(counts)
            #expect(model.channels[room.id]?.unread == 1 && model.channels[room.id]?.mentions == 1)
            let through = try #require(counts.seq, "unread.list replies carry the head they were read at")

            // Its live events come after the counts, with seqs the counts cover: nothing is added.
            let new = try await alice.event(EventName.messageNew.rawValue) { $0.data?["id"]?.string == early.id }
            let mention = try await alice.event(EventName.mention.rawValue) { $0.data?["message"]?["id"]?.string == early.id }
            #expect(try #require(new.seq) <= through && (mention.seq ?? .max) <= through)
            model.apply(new)
            model.apply(mention)
            #expect(model.channels[room.id]?.unread == 1 && model.channels[room.id]?.mentions == 1)

            // A message after the counts counts.
            let later = try await bob.post(room.id, "@alice and a second one")
            model.apply(try await alice.event(EventName.messageNew.rawValue) { $0.data?["id"]?.string == later.id })
            model.apply(try await alice.event(EventName.mention.rawValue) { $0.data?["message"]?["id"]?.string == later.id })
            #expect(model.channels[room.id]?.unread == 2 && model.channels[room.id]?.mentions == 2)
            await alice.close()
            await bob.close()
        }
    }

    @Test("a direct message counted by unread.list still alerts when it is applied; the open channel's messages count once left")
    func directMessageAlertsAndOpenChannel() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let lobby = try await bob.createChannel("lobby", members: ["alice"])
            let dm = try await bob.request(.dmOpen, DMOpenRequest(user: alice.userId), as: Channel.self)
            // The lobby is open: its counts are not set from the reply.
            var model = try Self.model(of: alice, open: lobby, beside: dm)

            let early = try await bob.post(dm.id, "are you there?")
            let inLobby = try await bob.post(lobby.id, "posted while lobby is open")
            let counts = try await alice.request(.unreadList, Empty(), as: UnreadListReply.self)
            model.setCounts(counts)
            #expect(model.channels[dm.id]?.unread == 1)
            let alerts = model.alerts.count
            model.apply(try await alice.event(EventName.messageNew.rawValue) { $0.data?["id"]?.string == early.id })
            #expect(model.channels[dm.id]?.unread == 1, "counted once")
            #expect(model.alerts.count == alerts + 1, "a direct message alerts whether or not it was counted already")

            // The lobby was open when the counts were read, so they say nothing of it: once the
            // user has moved on, its messages count whatever their seq.
            model.select(channel: dm.id)
            model.apply(try await alice.event(EventName.messageNew.rawValue) { $0.data?["id"]?.string == inLobby.id })
            #expect(model.channels[lobby.id]?.unread == 1)
            await alice.close()
            await bob.close()
        }
    }
}
