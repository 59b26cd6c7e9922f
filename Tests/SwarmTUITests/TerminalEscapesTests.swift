import Foundation
import SwarmProtocol
@testable import SwarmTUI
import Testing

/// Mouse wheel reports and desktop notifications: the bytes the client reads and writes.
@Suite("Mouse wheel and desktop notifications")
struct TerminalEscapesTests {
    @Test func sgrWheelReportsScrollAndClicksAreDropped() {
        var d = KeyDecoder()
        #expect(d.feed(Array("\u{1B}[<64;10;5M".utf8)) == [.wheelUp])
        #expect(d.feed(Array("\u{1B}[<65;10;5M".utf8)) == [.wheelDown])
        #expect(d.feed(Array("\u{1B}[<80;1;1M".utf8)) == [.wheelUp], "Ctrl held")
        #expect(d.feed(Array("\u{1B}[<0;3;4M\u{1B}[<0;3;4mx".utf8)) == [.char("x")], "a click and release are not keys")
        // Split across reads.
        #expect(d.feed(Array("\u{1B}[<6".utf8)).isEmpty)
        #expect(d.feed(Array("5;2;2M".utf8)) == [.wheelDown])
        var e = LineEditor(text: "draft")
        #expect(e.handle(.wheelUp) == .scrollLines(LineEditor.wheelLines) && e.handle(.wheelDown) == .scrollLines(-LineEditor.wheelLines))
        #expect(e.string == "draft")
    }

    @Test func mouseModeIsOnWhileTheClientRunsAndOffOnEveryWayOut() {
        #expect(ANSI.enterAlternateScreen.contains("\u{1B}[?1000h\u{1B}[?1006h"))
        #expect(ANSI.leaveAlternateScreen.contains("\u{1B}[?1006l\u{1B}[?1000l"))
    }

    @Test func notificationsUseOSC9OrOSC777AndCarryNoControlCharacters() {
        let plain = DesktopNotification.sequence(title: "Swarm · @bob", body: "hi\u{1B}]0;x\u{07}there", environment: ["TERM": "xterm-256color"])
        #expect(plain == "\u{1B}]9;Swarm · @bob: hi ]0;x there\u{1B}\\")
        let vte = DesktopNotification.sequence(title: "a;b", body: "c;d", environment: ["VTE_VERSION": "7600"])
        #expect(vte == "\u{1B}]777;notify;a,b;c;d\u{1B}\\")
        #expect(DesktopNotification.sequence(title: "t", body: "b", environment: ["TERM_PROGRAM": "WezTerm"]).hasPrefix("\u{1B}]777;notify;"))
        #expect(DesktopNotification.sequence(title: "t", body: "b", environment: ["TERM_PROGRAM": "iTerm.app"]).hasPrefix("\u{1B}]9;"))
        let long = DesktopNotification.sequence(title: "t", body: String(repeating: "x", count: 5000), environment: [:])
        #expect(long.count < 300)
    }

    @Test func directMessagesAndMentionsElsewhereAskForANotification() throws {
        var m = MessageListDecorationTests.model()
        m.upsert(Channel(id: "C2", name: "dm.1.2", kind: .dm, topic: nil, createdBy: nil, createdAt: ""))
        m.upsert(Channel(id: "C3", name: "billing", kind: .public, topic: nil, createdBy: nil, createdAt: ""))
        func frame(_ json: String) throws -> ServerFrame { try JSONDecoder().decode(ServerFrame.self, from: Data(json.utf8)) }
        let msg = #"{"id":"M5","channel":"C2","author":"U2","author_name":"bob","body":"psst","reply_count":0,"mentions":[],"created_at":"2026-11-25T09:06:00.000Z","deleted":false}"#
        m.apply(try frame(#"{"ev":"message.new","seq":1,"data":\#(msg)}"#))
        #expect(m.alerts.last?.desktopTitle == "Swarm · @bob")
        let inBilling = #"{"id":"M6","channel":"C3","author":"U2","author_name":"bob","body":"@alice look","reply_count":0,"mentions":["U1"],"created_at":"2026-11-25T09:06:00.000Z","deleted":false}"#
        m.apply(try frame(#"{"ev":"mention","seq":2,"data":{"user":"U1","message":\#(inBilling)}}"#))
        #expect(m.alerts.last?.desktopTitle == "Swarm · bob in #billing")
        // A mention in the channel being read rings the bell but asks for no desktop notification.
        let here = inBilling.replacingOccurrences(of: "\"C3\"", with: "\"C1\"").replacingOccurrences(of: "M6", with: "M7")
        m.apply(try frame(#"{"ev":"mention","seq":3,"data":{"user":"U1","message":\#(here)}}"#))
        #expect(m.alerts.count == 3 && m.alerts.last?.desktopTitle == nil)
    }
}
