import Foundation
import SwarmProtocol
@testable import SwarmTUI
import Testing

/// Issue 11, beyond: nick colours, date rules between days, the header line and hyperlinks in the
/// message list.
@Suite("Message list: nick colours, day rules, header, links")
struct MessageListDecorationTests {
    static func message(_ id: Int, _ author: String, _ body: String, at: String = "2026-12-03T09:05:00.000Z") -> Message {
        Message(id: "M\(id)", channel: "C1", author: author == "alice" ? "U1" : (author == "bob" ? "U2" : "U3"), authorName: author, body: body,
                thread: nil, replyCount: 0, mentions: [], createdAt: at, editedAt: nil, deleted: false)
    }

    static func model(topic: String? = nil) -> ChatModel {
        var m = ChatModel()
        m.me = User(id: "U1", name: "alice", displayName: nil, role: .agent, skills: [])
        m.users["U1"] = m.me
        m.users["U2"] = User(id: "U2", name: "bob", displayName: nil, role: .agent, skills: [])
        m.upsert(Channel(id: "C1", name: "support", kind: .public, topic: topic, createdBy: nil, createdAt: ""))
        m.select(channel: "C1")
        m.connection = .live
        return m
    }

    let renderer = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date())

    /// Every span on the screen whose text contains `text`.
    static func spans(_ screen: Screen, containing text: String) -> [Screen.Span] {
        screen.rows.flatMap { $0 }.filter { $0.text.contains(text) }
    }

    @Test func nickColoursAreStableSpreadAndNeverTheMentionColour() {
        #expect(NickColor.of("U2") == NickColor.of("U2"))
        // A fixed hash: the same colour on every run and machine (Swift's hashValue is seeded).
        #expect(NickColor.of("U2") == NickColor.palette[Int(fnv("U2") % UInt32(NickColor.palette.count))])
        let ids = (1...200).map { "U\($0)" }
        let used = Set(ids.map { NickColor.of($0) })
        #expect(used.count >= NickColor.palette.count - 1, "200 users spread over the palette: \(used.count)")
        #expect(!NickColor.palette.contains(.magenta) && !NickColor.palette.contains(.red))
        #expect(!NickColor.palette.contains(.indexed(5)) && !NickColor.palette.contains(.indexed(13)), "no magenta entries")

        var m = Self.model()
        m.merge(history: [Self.message(1, "bob", "hello"), Self.message(2, "carol", "hi")], into: "C1")
        let screen = renderer.render(m, editor: LineEditor(), width: 80, height: 12)
        let bob = Self.spans(screen, containing: "bob: ").first
        let carol = Self.spans(screen, containing: "carol: ").first
        #expect(bob?.style.color == NickColor.of("U2") && carol?.style.color == NickColor.of("U3"))
        // Colours off (NO_COLOR, --no-color): the frame carries no colour at all.
        let plain = ANSI.frame(screen, previous: nil, colors: false, links: false)
        #expect(!plain.contains("38;5;"))
        #expect(ANSI.frame(screen, previous: nil, colors: true).contains("38;5;"))
    }

    private func fnv(_ s: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in s.utf8 { h ^= UInt32(b); h = h &* 16_777_619 }
        return h
    }

    @Test func dayRulesAboveTheFirstMessageAndWhereTheLocalDayChanges() {
        var m = Self.model()
        m.merge(history: [Self.message(1, "bob", "late", at: "2026-12-02T23:30:00.000Z"),
                          Self.message(2, "bob", "still late", at: "2026-12-02T23:50:00.000Z"),
                          Self.message(3, "bob", "morning", at: "2026-12-03T08:00:00.000Z")], into: "C1")
        let lines = renderer.render(m, editor: LineEditor(), width: 80, height: 14).lines
        let rules = lines.enumerated().filter { $0.element.contains("── Wed 2 Dec 2026 ──") || $0.element.contains("── Thu 3 Dec 2026 ──") }
        #expect(rules.count == 2, "\(lines)")
        let late = lines.firstIndex { $0.contains("late M1") }!
        let morning = lines.firstIndex { $0.contains("morning M3") }!
        #expect(rules[0].offset == late - 1 && rules[1].offset == morning - 1)
        #expect(!lines[late + 1].contains("──"), "no rule between two messages of one day")
        // The local day, not UTC's: in Berlin all three fall on 3 December.
        let berlin = ChatRenderer(timeZone: TimeZone(identifier: "Europe/Berlin")!, now: Date())
        let local = berlin.render(m, editor: LineEditor(), width: 80, height: 14).lines
        #expect(local.filter { $0.contains("── ") && $0.contains("Dec 2026") }.count == 1)
        #expect(local.contains { $0.contains("── Thu 3 Dec 2026 ──") } && local.contains { $0.contains("00:30 bob: late") })
    }

    @Test func headerNamesChannelTopicAndMembers() throws {
        var m = Self.model(topic: "Refunds and returns")
        m.merge(history: [Self.message(1, "bob", "hello")], into: "C1")
        var lines = renderer.render(m, editor: LineEditor(), width: 80, height: 12).lines
        #expect(lines[0].contains("#support — Refunds and returns") && !lines[0].contains("member"), "\(lines[0])")
        m.channels["C1"]!.memberCount = 3
        lines = renderer.render(m, editor: LineEditor(), width: 80, height: 12).lines
        #expect(lines[0].contains("#support — Refunds and returns · 3 members"))
        let hello = try #require(lines.firstIndex { $0.contains("09:05 bob: hello M1") })
        #expect(lines[hello - 1].contains("── Thu 3 Dec 2026 ──"))
        // Narrow screens: the header is clipped, never wrapped, and every row keeps its width.
        let narrow = renderer.render(m, editor: LineEditor(), width: 30, height: 12).lines
        #expect(narrow[0].hasPrefix("#support — Refunds") && narrow.allSatisfy { TextWidth.of($0) == 30 })
        // Too short a screen: no header, the messages keep the rows.
        #expect(!renderer.render(m, editor: LineEditor(), width: 80, height: 6).lines[0].contains("Refunds"))
    }

    @Test func urlsAndTicketKeysAreLinksThatTakeNoCells() {
        var m = Self.model()
        let url = "https://example.com/orders/4411?x=1"
        m.merge(history: [Self.message(1, "bob", "see \(url). and JIRA-42 please")], into: "C1")
        m.casesByThread["M9"] = Case(id: "CS1", title: "t", customer: "K1", customerName: "Ann", channel: "C1", channelName: "support", thread: "M9",
                                     status: .open, priority: .normal, owner: nil, ownerName: nil, sourceChannel: nil, summary: nil, tags: [],
                                     tickets: [TicketLink(system: "jira", key: "JIRA-42", url: "https://jira.example/JIRA-42", linkedBy: "U1", linkedAt: "")],
                                     sla: SLAState(dueAt: "2026-12-03T10:00:00.000Z", firstResponseAt: nil, state: "ok"), openedBy: "U1", createdAt: "", updatedAt: "")
        let screen = renderer.render(m, editor: LineEditor(), width: 100, height: 10)
        let linked = screen.rows.flatMap { $0 }.filter { $0.link != nil }
        #expect(linked.map(\.text) == [url, "JIRA-42"] && linked.map(\.link) == [url, "https://jira.example/JIRA-42"], "\(linked)")
        let frame = ANSI.frame(screen, previous: nil, colors: true, links: true)
        #expect(frame.contains("\u{1B}]8;;\(url)\u{1B}\\\(url)\u{1B}]8;;\u{1B}\\"))
        #expect(!ANSI.frame(screen, previous: nil, colors: false, links: false).contains("]8;;"))
        #expect(screen.lines.allSatisfy { TextWidth.of($0) == 100 })

        // A long address wrapped over three rows: each piece links to the whole address.
        let long = "https://example.com/" + String(repeating: "a", count: 90)
        m.merge(history: [Self.message(2, "bob", "look: \(long) ok")], into: "C1")
        let narrow = renderer.render(m, editor: LineEditor(), width: 50, height: 14)
        let pieces = narrow.rows.flatMap { $0 }.filter { $0.link == long }
        #expect(pieces.count >= 3 && pieces.map(\.text).joined() == long, "\(pieces.map(\.text))")
        #expect(narrow.lines.allSatisfy { TextWidth.of($0) == 50 })
    }

    @Test func hostileLinkTargetsCannotEscapeTheSequence() {
        #expect(ANSI.linkTarget("https://x.io/\u{1B}]0;pwned\u{07}") == "https://x.io/%1B]0;pwned%07")
        #expect(ANSI.linkTarget("https://x.io/é") == "https://x.io/%C3%A9")
        #expect(Links.find("(https://x.io/a), http:// and ftp://x", tickets: [:]).map(\.url) == ["https://x.io/a"])
    }
}

extension MessageListDecorationTests {
    @Test func addressesInTheOutputPaneAreLinksToo() {
        var m = Self.model()
        m.notice("Tickets: zendesk ZD-902 <https://desk.example/tickets/902>")
        let screen = renderer.render(m, editor: LineEditor(), width: 100, height: 16)
        let linked = screen.rows.flatMap { $0 }.filter { $0.link != nil }
        #expect(linked.map(\.text) == ["https://desk.example/tickets/902"] && linked.first?.link == "https://desk.example/tickets/902")
        #expect(screen.lines.contains { $0.contains("ZD-902 <https://desk.example/tickets/902>") })
    }
}
