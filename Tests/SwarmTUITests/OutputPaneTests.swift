import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

@Suite("Command output has a pane of its own")
struct OutputPaneTests {
    let renderer = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date())

    @Test func longOutputNeverHidesTheNewestMessages() {
        var m = RendererTests.model()
        m.merge(history: (1...30).map { RendererTests.message($0, "bob", "message number \($0)") }, into: "C1")
        m.notice((1...40).map { "brief line \($0)" }.joined(separator: "\n"))
        let lines = renderer.render(m, editor: LineEditor(), width: 80, height: 20).lines
        #expect(lines.contains { $0.contains("bob: message number 30") }, "the newest message stays on screen")
        #expect(lines.contains { $0.contains("brief line 1 ") }, "the output starts at its first line")
        #expect(lines.contains { $0.contains("Esc closes") && $0.contains("of 40") })

        // A new message in another channel is also drawn, above the same pane.
        m.merge(history: [Message(id: "M99", channel: "C2", author: "U2", authorName: "bob", body: "over in billing", thread: nil, replyCount: 0,
                                  mentions: [], createdAt: "2026-11-25T09:07:00.000Z", editedAt: nil, deleted: false)], into: "C2")
        m.select(channel: "C2")
        #expect(renderer.render(m, editor: LineEditor(), width: 80, height: 20).lines.contains { $0.contains("bob: over in billing") })

        // Closed, the messages have the pane back.
        m.output = nil
        let closed = renderer.render(m, editor: LineEditor(), width: 80, height: 20).lines
        #expect(!closed.contains { $0.contains("brief line") })
    }

    @Test func escapeDismisses() {
        var e = LineEditor(text: "draft")
        #expect(e.handle(.escape) == .dismiss)
        #expect(e.string == "draft", "Esc keeps the draft")
    }
}
