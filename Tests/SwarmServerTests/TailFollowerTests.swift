import SwarmClient
import SwarmProtocol
import Testing

/// `swarm tail` prints a history page and then follows live events. A message posted between the
/// tail's `hello` and its `history` call is in the page and also arrives live, later: it must
/// print once, and a stop before its live event arrives must not say to resume before it (the
/// resumed tail would print it again). Seen once in the README tour on PostgreSQL: Ctrl-C right
/// after the page said `--after` the hello's head, and the resumed run repeated the message.
@Suite("swarm tail: history page, then live events, and where to resume", .hangGuard)
struct TailFollowerTests {
    @Test("a message posted between hello and history prints once; a stop right after the page resumes past it")
    func postedBetweenHelloAndHistory() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let helloHead = try #require(alice.conn.hello?.seq)
            let bob = try await server.client("bob")
            let channel = try await bob.createChannel("tail-race", members: ["alice"])
            let early = try await bob.post(channel.id, "posted after alice's hello, before her history call")
            _ = try await bob.request(.messageEdit, MessageEditRequest(message: early.id, body: "edited before the history call"))

            let page = try await alice.request(.history, HistoryRequest(channel: channel.id, limit: 20), as: HistoryReply.self)
            #expect(page.messages.map(\.id) == [early.id] && page.messages.first?.body == "edited before the history call")
            let through = try #require(page.seq, "history replies carry the head they were read at")
            var follower = TailFollower(channel: channel.id, shownHistory: Set(page.messages.map(\.id)), shownThrough: through, remaining: nil)
            // Before any live event arrives, the resume point is past the page already.
            let resumeAt = try #require(follower.lastSeq)
            #expect(resumeAt >= through && resumeAt > helloHead)

            // The message's own live event comes after the page, with a seq the page covers: not printed.
            let live = try await alice.event(EventName.messageNew.rawValue) { $0.data?["id"]?.string == early.id }
            let liveSeq = try #require(live.seq)
            #expect(liveSeq > helloHead && liveSeq <= through)
            #expect(follower.handle(live) == .skip)
            // Its edit is in the page too: the live message.edited is not printed either (before
            // the page's seq, the tail printed it after the page as if it were new).
            let edited = try await alice.event(EventName.messageEdited.rawValue) { $0.data?["id"]?.string == early.id }
            #expect(try #require(edited.seq) <= through)
            #expect(follower.handle(edited) == .skip)

            // Resuming where a stop before that event would have said replays nothing of the page,
            // and the next post is the first thing the resumed session gets.
            let resumed = try await TestClient.connect(url: server.url, token: alice.token, after: resumeAt)
            let later = try await bob.post(channel.id, "after the page")
            let first = try await resumed.event(EventName.messageNew.rawValue)
            #expect(first.data?["id"]?.string == later.id)
            // The first session's follower prints that one.
            let liveLater = try await alice.event(EventName.messageNew.rawValue) { $0.data?["id"]?.string == later.id }
            #expect(follower.handle(liveLater) == .print(.messageNew, try #require(liveLater.data)))
            #expect(try #require(follower.lastSeq) >= (liveLater.seq ?? 0))
            await resumed.close()
            await alice.close()
            await bob.close()
        }
    }
}
