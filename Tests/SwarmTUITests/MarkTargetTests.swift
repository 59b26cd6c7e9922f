import SwarmProtocol
import SwarmTUI
import Testing

/// Which message `/mark` means when none is named.
@Suite("/mark targets")
struct MarkTargetTests {
    static func message(_ id: Int, by author: String, thread: String? = nil, mark: String? = nil, deleted: Bool = false) -> Message {
        Message(id: "M\(id)", channel: "C1", author: author, authorName: author, body: "text \(id)", thread: thread, replyCount: 0, mentions: [],
                createdAt: "2026-11-25T09:05:00.000Z", editedAt: nil, deleted: deleted, mark: mark)
    }

    @Test func markTargets() {
        let thread = [Self.message(1, by: "U9"), Self.message(2, by: "U9", thread: "M1", mark: "question"),
                      Self.message(3, by: "U1", thread: "M1"), Self.message(4, by: "U1", thread: "M1")]
        // A question is someone else's newest message.
        #expect(MarkTarget.pick("question", explicit: nil, in: thread, me: "U1")?.message == "M2")
        // An answer is the newest message, mine too, answering the newest question before it.
        let answer = MarkTarget.pick("answer", explicit: nil, in: thread, me: "U1")
        #expect(answer?.message == "M4" && answer?.answers == "M2")
        #expect(MarkTarget.pick("answer", explicit: "M1", in: thread, me: "U1")?.answers == nil, "nothing marked before M1")
        #expect(MarkTarget.pick("none", explicit: nil, in: thread, me: "U1")?.message == "M2")
        #expect(MarkTarget.pick("question", explicit: nil, in: [Self.message(5, by: "U1")], me: "U1") == nil)
    }

    @Test func markSeesTheOpenView() {
        var model = ChatModel()
        model.upsert(Channel(id: "C1", name: "support", kind: .public, topic: nil, createdBy: nil, createdAt: ""))
        model.select(channel: "C1")
        model.merge(history: [Self.message(1, by: "U9"), Self.message(2, by: "U9", thread: "M1"), Self.message(3, by: "U9", deleted: true)], into: "C1")
        #expect(MarkTarget.visible(model).map(\.id) == ["M1"])
        model.view = .thread("M1")
        #expect(MarkTarget.visible(model).map(\.id) == ["M1", "M2"])
    }

    @Test func helpAndParsing() {
        #expect(CommandParser.help("mark").contains("not written by you"))
        #expect(CommandParser.parse("/mark question") == .command(name: "mark", args: ["question", ""]))
        #expect(CommandParser.parse("/mark answer M12") == .command(name: "mark", args: ["answer", "M12"]))
        if case .error = CommandParser.parse("/mark maybe M12") {} else { Issue.record("bad mark accepted") }
    }
}
