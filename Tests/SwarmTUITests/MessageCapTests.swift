import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

/// A channel's loaded messages are bounded, but a live message must not take away what the
/// reader scrolled back to, and whatever is dropped can be fetched again.
@Suite("Messages kept per channel")
struct MessageCapTests {
    static func arrival(_ id: Int) throws -> ServerFrame {
        try JSONDecoder().decode(ServerFrame.self, from: Data("""
            {"ev":"message.new","seq":\(id),"data":{"id":"M\(id)","channel":"C1","author":"U2","author_name":"bob","body":"live \(id)","reply_count":0,"mentions":[],"created_at":"2026-11-25T09:06:00.000Z","deleted":false}}
            """.utf8))
    }

    @Test func scrolledBackKeepsEverythingLoaded() throws {
        var m = MessageWindowTests.model(messages: 10_000)
        m.scroll = 500
        for id in 10_001...10_010 { m.apply(try Self.arrival(id)) }
        #expect(m.channels["C1"]?.messages.count == 10_010)
        #expect(m.channels["C1"]?.messages.first?.id == "M1")
    }

    @Test func atTheBottomTrimsOnceToTheKeptCountAndCanFetchTheRestAgain() throws {
        var m = MessageWindowTests.model(messages: 10_000)
        m.apply(try Self.arrival(10_001))
        #expect(m.channels["C1"]?.messages.count == ChatModel.keptAfterTrim)
        #expect(m.channels["C1"]?.messages.last?.id == "M10001")
        #expect(m.channels["C1"]?.olderCursor == m.channels["C1"]?.messages.first?.id)
        // The next arrivals do not trim again until the cap is passed.
        for id in 10_002...10_010 { m.apply(try Self.arrival(id)) }
        #expect(m.channels["C1"]?.messages.count == ChatModel.keptAfterTrim + 9)
    }
}
