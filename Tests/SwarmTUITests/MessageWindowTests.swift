import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

/// The renderer wraps only the messages that can reach the window; what is on screen must be the
/// same as when every loaded message was wrapped.
@Suite("Message pane window")
struct MessageWindowTests {
    static func model(messages n: Int) -> ChatModel {
        var m = RendererTests.model()
        m.merge(history: (1...n).map { RendererTests.message($0, $0 % 2 == 0 ? "bob" : "alice", "message number \($0)") }, into: "C1")
        return m
    }

    let renderer = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date())

    @Test func newestMessagesAtTheBottom() {
        let lines = renderer.render(Self.model(messages: 3_000), editor: LineEditor(), width: 100, height: 12).lines
        // Row 0 is the header line (channel, topic, members); messages fill rows 1-9.
        #expect(lines[0].contains("#support"))
        #expect(lines[9].contains("message number 3000 M3000"))
        #expect(lines[1].contains("message number 2992 M2992"))
    }

    @Test func scrolledBackShowsOlderMessages() {
        var m = Self.model(messages: 3_000)
        m.scroll = 1_500
        let lines = renderer.render(m, editor: LineEditor(), width: 100, height: 12).lines
        #expect(lines[9].contains("message number 1500 M1500"))
        #expect(lines[1].contains("message number 1492 M1492"))
    }

    @Test func scrolledPastTheStartStopsAtTheFirstMessage() {
        var m = Self.model(messages: 30)
        m.scroll = 1_000
        let lines = renderer.render(m, editor: LineEditor(), width: 100, height: 12).lines
        // The first loaded message is under the rule naming its day.
        #expect(lines[1].contains("── Wed 25 Nov 2026 ──"))
        #expect(lines[2].contains("message number 1 M1"))
        #expect(lines[9].contains("message number 8 M8"))
    }

    @Test func aThreadTitleShowsOnlyAtTheThreadsStart() {
        var m = RendererTests.model()
        m.merge(history: [RendererTests.message(1, "bob", "root")] + (2...40).map { RendererTests.message($0, "alice", "reply \($0)", thread: "M1") }, into: "C1")
        m.view = .thread("M1")
        var lines = renderer.render(m, editor: LineEditor(), width: 100, height: 12).lines
        #expect(!lines.contains { $0.contains("Thread M1") })
        #expect(lines[9].contains("reply 40 M40"))
        // 40 message lines, the day rule and the title in 9 rows under the header: scrolled to
        // the top the title is on the first row under the header.
        m.scroll = 33
        lines = renderer.render(m, editor: LineEditor(), width: 100, height: 12).lines
        #expect(lines[1].contains("Thread M1"))
        #expect(lines[2].contains("── Wed 25 Nov 2026 ──"))
        #expect(lines[3].contains("root M1"))
        m.scroll = 31
        lines = renderer.render(m, editor: LineEditor(), width: 100, height: 12).lines
        #expect(lines[1].contains("root M1"))
    }
}
