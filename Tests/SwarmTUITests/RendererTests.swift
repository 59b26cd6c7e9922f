import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

@Suite("Renderer over a virtual screen")
struct RendererTests {
    static func message(_ id: Int, _ author: String, _ body: String, thread: String? = nil, mentions: [String] = []) -> Message {
        Message(id: "M\(id)", channel: "C1", author: author == "alice" ? "U1" : "U2", authorName: author, body: body, thread: thread,
                replyCount: 0, mentions: mentions, createdAt: "2026-11-25T09:05:00.000Z", editedAt: nil, deleted: false)
    }

    static func model() -> ChatModel {
        var m = ChatModel()
        m.me = User(id: "U1", name: "alice", displayName: nil, role: .agent, skills: [])
        m.users["U1"] = m.me
        m.users["U2"] = User(id: "U2", name: "bob", displayName: nil, role: .agent, skills: [])
        m.upsert(Channel(id: "C1", name: "support", kind: .public, topic: nil, createdBy: nil, createdAt: ""))
        m.upsert(Channel(id: "C2", name: "billing", kind: .private, topic: nil, createdBy: nil, createdAt: ""))
        m.select(channel: "C1")
        m.connection = .live
        return m
    }

    let renderer = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date())

    @Test func layoutSidebarMessagesStatusInput() {
        var m = Self.model()
        m.merge(history: [Self.message(1, "bob", "Customer 4411 wants a refund"), Self.message(2, "alice", "on it", thread: "M1")], into: "C1")
        _ = m.apply(try! JSONDecoder().decode(ServerFrame.self, from: Data(#"{"ev":"message.new","seq":9,"data":{"id":"M3","channel":"C2","author":"U2","author_name":"bob","body":"psst","reply_count":0,"mentions":[],"created_at":"2026-11-25T09:06:00.000Z","deleted":false}}"#.utf8)))
        var editor = LineEditor()
        for c in "typing" { _ = editor.handle(.char(c)) }
        let screen = renderer.render(m, editor: editor, width: 80, height: 10)
        let lines = screen.lines
        #expect(lines.count == 10 && lines.allSatisfy { TextWidth.of($0) == 80 })
        #expect(lines[0].hasPrefix("Channels"))
        #expect(lines[1].hasPrefix("1 #billing") && lines[1].contains(" 1"), "unread badge on the other channel")
        #expect(lines[2].hasPrefix("2 #support"))
        #expect(lines.contains { $0.contains("09:05 bob: Customer 4411 wants a refund M1") })
        #expect(lines.contains { $0.contains("↳ 09:05 alice: on it M2") })
        #expect(lines[8].contains("live") && lines[8].contains("#support") && lines[8].contains("1 unread"))
        #expect(lines[9].hasPrefix("#support> typing"))
        #expect(screen.cursor == (9, 16))
        #expect(m.lastSeq == 9)
    }

    @Test func longMessagesWrapAndNarrowScreensDropTheSidebar() {
        var m = Self.model()
        m.merge(history: [Self.message(1, "bob", String(repeating: "word ", count: 30))], into: "C1")
        let screen = renderer.render(m, editor: LineEditor(), width: 40, height: 12)
        #expect(!screen.lines[0].hasPrefix("Channels"))
        let body = screen.lines.filter { $0.contains("word") }
        #expect(body.count >= 4)
        #expect(body.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 11)) && !$0.hasPrefix(String(repeating: " ", count: 12)) }, "continuation lines are indented under the text")
    }

    @Test func reconnectingStateAndPendingLinesAreVisible() {
        var m = Self.model()
        m.connection = .reconnecting(attempt: 1, inSeconds: 2)
        m.outbox.append(.init(key: "k", channel: "C1", body: "queued while offline", thread: nil))
        let lines = renderer.render(m, editor: LineEditor(), width: 80, height: 8).lines
        #expect(lines[6].contains("reconnecting… (try 2, in 2s)") && lines[6].contains("1 unsent"))
        #expect(lines.contains { $0.contains("queued while offline (sending)") })
    }

    @Test func ansiRedrawsOnlyChangedRowsAndRespectsNoColor() {
        let m = Self.model()
        let a = renderer.render(m, editor: LineEditor(), width: 60, height: 6)
        var e = LineEditor()
        _ = e.handle(.char("x"))
        let b = renderer.render(m, editor: e, width: 60, height: 6)
        let diff = ANSI.frame(b, previous: a, colors: true)
        #expect(diff.contains("\u{1B}[6;1H") && !diff.contains("\u{1B}[1;1H"), "only the input row is rewritten")
        let plain = ANSI.frame(b, previous: nil, colors: false)
        for code in ["[32m", "[1;32m", "[1m", "[2m", "[35m"] { #expect(!plain.contains("\u{1B}" + code), "no colour codes without colours") }
        #expect(plain.contains("\u{1B}[7m"), "reverse video stays for the status line")
    }

    @Test func mentionsRaiseAnAlertOnTheStatusLine() throws {
        var m = Self.model()
        let frame = try JSONDecoder().decode(ServerFrame.self, from: Data(#"""
            {"ev":"mention","seq":12,"data":{"user":"U1","message":{"id":"M7","channel":"C2","author":"U2","author_name":"bob","body":"@alice refund?","reply_count":0,"mentions":["U1"],"created_at":"2026-11-25T09:06:00.000Z","deleted":false}}}
            """#.utf8))
        let redraw = m.apply(frame)
        #expect(redraw)
        #expect(m.channels["C2"]?.mentions == 1)
        #expect(m.alerts.count == 1)
        let lines = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date()).render(m, editor: LineEditor(), width: 120, height: 6).lines
        #expect(lines[4].contains("★ bob mentioned you in #billing: @alice refund?"))
        #expect(lines[1].contains("#billing") && lines[1].contains("@1"))
    }

    @Test func wideCharactersCountTwoCells() {
        #expect(TextWidth.of("日本") == 4)
        #expect(TextWidth.of("é") == 1)
        #expect(TextWidth.prefix("日本語", cells: 5) == "日本")
        #expect(TextWidth.wrap("aaa bbb ccc", cells: 7) == ["aaa bbb", "ccc"])
    }
}

@Suite("Thread replies in the channel view")
struct ReplyContextTests {
    @Test func aReplyNamesItsParentAndCase() {
        var m = RendererTests.model()
        m.merge(history: [RendererTests.message(1, "bob", "Customer 4411 wants a refund for order 5512"),
                          RendererTests.message(2, "carol", "unrelated"),
                          RendererTests.message(3, "alice", "on it", thread: "M1"),
                          RendererTests.message(4, "alice", "reply to an old one", thread: "M0")], into: "C1")
        let renderer = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date())
        var lines = renderer.render(m, editor: LineEditor(), width: 120, height: 10).lines
        #expect(lines.contains { $0.contains("↳ 09:05 alice: on it M3 ↳ M1 “Customer 4411 wants a re…”") })
        #expect(lines.contains { $0.contains("alice: reply to an old one M4 ↳ M0") }, "a parent not loaded is named by id")

        m.casesByThread["M1"] = CaseViewTests.caseInfo
        lines = renderer.render(m, editor: LineEditor(), width: 120, height: 10).lines
        #expect(lines.contains { $0.contains("on it M3 ↳ CS3 M1 “Customer 4411") })

        // Inside the thread the parent is on screen already: no tag.
        m.view = .thread("M1")
        lines = renderer.render(m, editor: LineEditor(), width: 120, height: 10).lines
        #expect(lines.contains { $0.contains("alice: on it M3") && !$0.contains("↳ M1") })
    }
}
