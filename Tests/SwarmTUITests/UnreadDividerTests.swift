import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

/// "New since you left" in a channel just opened, and Alt-A to the next channel with unread.
@Suite("Unread: the divider and the next unread channel")
struct UnreadDividerTests {
    static func billing(_ n: Int, _ author: String = "bob") -> Message {
        Message(id: "M\(n)", channel: "C2", author: author == "alice" ? "U1" : "U2", authorName: author, body: "billing \(n)", thread: nil, replyCount: 0,
                mentions: [], createdAt: "2026-11-25T09:0\(n):00.000Z", editedAt: nil, deleted: false)
    }

    @Test func theDividerGoesAboveTheFirstUnreadMessage() {
        var m = RendererTests.model()
        m.merge(history: [Self.billing(1), Self.billing(2), Self.billing(3), Self.billing(4, "alice"), Self.billing(5)], into: "C2")
        m.channels["C2"]!.unread = 2
        m.select(channel: "C2")
        #expect(m.channels["C2"]!.firstUnread == "M3", "alice's own M4 was never unread")
        let lines = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date()).render(m, editor: LineEditor(), width: 80, height: 20).lines
        let divider = lines.firstIndex { $0.contains("new since you left") }
        let third = lines.firstIndex { $0.contains("billing 3") }
        #expect(divider != nil && third != nil && divider! + 1 == third!, "\(lines.joined(separator: "\n"))")

        // Back again with nothing unread: no divider.
        m.select(channel: "C1")
        m.select(channel: "C2")
        #expect(m.channels["C2"]!.firstUnread == nil)
    }

    @Test func theDividerWaitsForTheHistory() {
        var m = RendererTests.model()
        m.channels["C2"]!.unread = 2
        m.select(channel: "C2")
        #expect(m.channels["C2"]!.firstUnread == nil)
        m.merge(history: (1...5).map { Self.billing($0) }, into: "C2")
        #expect(m.channels["C2"]!.firstUnread == "M4")
    }

    @Test func nextUnreadPrefersMentionsAndDirectMessages() {
        var m = RendererTests.model()
        #expect(m.nextUnread == nil)
        m.upsert(Channel(id: "C3", name: "dm.1.2", kind: .dm, topic: nil, createdBy: nil, createdAt: ""))
        m.upsert(Channel(id: "C4", name: "returns", kind: .public, topic: nil, createdBy: nil, createdAt: ""))
        m.channels["C4"]!.unread = 3
        #expect(m.nextUnread == "C4")
        m.channels["C3"]!.unread = 1
        #expect(m.nextUnread == "C3", "a direct message first")
        m.select(channel: "C3")
        #expect(m.nextUnread == "C4")
    }
}
