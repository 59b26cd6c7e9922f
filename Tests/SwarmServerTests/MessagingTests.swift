import Foundation
import SwarmProtocol
import Testing

@Suite("Channels and messages over real sockets", .hangGuard)
struct MessagingTests {
    @Test("two users post; each receives message.new in order; history pages correctly")
    func postAndHistory() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let channel = try await alice.createChannel("support", members: ["bob"])
            try await bob.event("member.joined") { $0.data?["user"]?.string == bob.userId }

            var posted: [Message] = []
            for i in 0..<25 {
                let author = i.isMultiple(of: 2) ? alice : bob
                posted.append(try await author.post(channel.id, "message \(i)"))
            }
            for receiver in [alice, bob] {
                for expected in posted {
                    let ev = try await receiver.event("message.new")
                    #expect(try ev.decode(Message.self).id == expected.id)
                    #expect(ev.seq != nil)
                }
            }

            // Newest page first, oldest first within a page, then walk back with next_before.
            var pages: [[Message]] = []
            var before: String?
            repeat {
                let page = try await bob.request(.history, HistoryRequest(channel: "#support", before: before, limit: 10), as: HistoryReply.self)
                pages.append(page.messages)
                before = page.nextBefore
            } while before != nil
            #expect(pages.map(\.count) == [10, 10, 5])
            #expect(pages.reversed().flatMap { $0 }.map(\.id) == posted.map(\.id))
            #expect(try await bob.refusal(.history, HistoryRequest(channel: channel.id, limit: 201)) == .badRequest)
        }
    }

    @Test("thread replies, edits with audit, deletes and unread counts")
    func threadsEditsUnread() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let carol = try await server.client("carol", role: .lead)
            let channel = try await alice.createChannel("cases", members: ["bob", "carol"])

            let root = try await alice.post(channel.id, "Customer 4411 wants a refund")
            let r1 = try await bob.post(channel.id, "I can take it", thread: root.id)
            let r2 = try await alice.post(channel.id, "thanks", thread: r1.id)
            #expect(r1.thread == root.id)
            #expect(r2.thread == root.id, "a reply to a reply joins the root's thread")
            let thread = try await carol.request(.threadGet, MessageRef(message: r1.id), as: ThreadReply.self)
            #expect(thread.root.id == root.id)
            #expect(thread.root.replyCount == 2)
            #expect(thread.replies.map(\.id) == [r1.id, r2.id])

            // Posting marks what came before as read: after bob's reply only alice's "thanks" is new.
            var unread = try await bob.request(.unreadList, Empty(), as: UnreadListReply.self)
            #expect(unread.channels.first { $0.channel == channel.id }?.unread == 1)
            _ = try await bob.request(.readMark, ReadMarkRequest(channel: channel.id))
            unread = try await bob.request(.unreadList, Empty(), as: UnreadListReply.self)
            #expect(unread.channels.first { $0.channel == channel.id }?.unread == 0)

            // Edit by the author: members see message.edited; the old text stays in the audit.
            let edited = try await alice.request(.messageEdit, MessageEditRequest(message: root.id, body: "Customer 4411 wants a refund of 30 EUR"), as: Message.self)
            #expect(edited.editedAt != nil)
            let ev = try await bob.event("message.edited")
            #expect(try ev.decode(Message.self).body == "Customer 4411 wants a refund of 30 EUR")
            #expect(try await bob.refusal(.messageEdit, MessageEditRequest(message: root.id, body: "hijack")) == .forbidden)
            #expect(try await bob.refusal(.messageVersions, MessageRef(message: root.id)) == .forbidden)

            // A lead moderates: deletes bob's reply; the text is kept for audit.
            _ = try await carol.request(.messageDelete, MessageRef(message: r1.id))
            let deleted = try await alice.event("message.deleted")
            #expect(deleted.data?["id"]?.string == r1.id)
            let history = try await alice.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self)
            let gone = try #require(history.messages.first { $0.id == r1.id })
            #expect(gone.deleted && gone.body.isEmpty)
            let audit = try await carol.request(.messageVersions, MessageRef(message: r1.id), as: MessageVersionsReply.self)
            #expect(audit.versions.map(\.body) == ["I can take it"])
            #expect(audit.versions.map(\.reason) == ["delete"])
            let rootAudit = try await alice.request(.messageVersions, MessageRef(message: root.id), as: MessageVersionsReply.self)
            #expect(rootAudit.versions.map(\.body) == ["Customer 4411 wants a refund"])

            // New messages move the counter again.
            _ = try await alice.post(channel.id, "one more")
            unread = try await bob.request(.unreadList, Empty(), as: UnreadListReply.self)
            #expect(unread.channels.first { $0.channel == channel.id }?.unread == 1)
        }
    }

    @Test("mentions notify the mentioned member and count in unread")
    func mentions() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let dave = try await server.client("dave", role: .product)
            let channel = try await alice.createChannel("pricing", members: ["dave"])
            let msg = try await alice.post(channel.id, "@dave can you check the pricing page? cc bob@example.com")
            #expect(msg.mentions == [dave.userId])
            let mention = try await dave.event("mention")
            #expect(try mention.decode(MentionEvent.self).message.id == msg.id)
            let unread = try await dave.request(.unreadList, Empty(), as: UnreadListReply.self)
            #expect(unread.channels.first { $0.channel == channel.id }?.mentions == 1)
        }
    }

    @Test("search finds readable messages, ranked, with snippets, folding accents")
    func search() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let open = try await alice.createChannel("general")
            let secret = try await alice.createChannel("secret", kind: .private)
            _ = try await alice.post(open.id, "Perché il rimborso non arriva?")
            _ = try await alice.post(open.id, "refund refund refund for order 7781")
            _ = try await alice.post(open.id, "the refund policy changed")
            _ = try await alice.post(secret.id, "private refund note")

            let hits = try await bob.request(.search, SearchRequest(query: "refund"), as: SearchReply.self)
            #expect(hits.results.count == 2, "bob cannot read #secret")
            #expect(hits.results.first?.message.body.hasPrefix("refund refund") == true, "bm25 ranks the denser match first")
            #expect(hits.results.allSatisfy { $0.snippet.contains("**refund**") })
            let folded = try await bob.request(.search, SearchRequest(query: "perche rimbo"), as: SearchReply.self)
            #expect(folded.results.count == 1)
            let mine = try await alice.request(.search, SearchRequest(query: "refund"), as: SearchReply.self)
            #expect(mine.results.count == 3)
            #expect(try await bob.refusal(.search, SearchRequest(query: "\"*)(")) == .badRequest)
        }
    }

    @Test("direct messages reach exactly the two users")
    func directMessages() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let eve = try await server.client("eve")
            let dm = try await alice.request(.dmOpen, DMOpenRequest(user: "@bob"), as: Channel.self)
            let again = try await bob.request(.dmOpen, DMOpenRequest(user: alice.userId), as: Channel.self)
            #expect(dm.id == again.id && dm.kind == .dm)
            let m = try await bob.post(dm.id, "psst")
            #expect(try await alice.event("message.new").decode(Message.self).id == m.id)
            #expect(try await eve.refusal(.history, HistoryRequest(channel: dm.id)) == .forbidden)
            #expect(try await eve.refusal(.messagePost, MessagePostRequest(channel: dm.id, body: "hi")) == .forbidden)
        }
    }
}
