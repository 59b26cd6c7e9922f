import Logging
@testable import SwarmServer
import SwarmStore
import Testing

/// Only a queue that overflowed is a slow consumer: the raw-frame fuzz showed a warning for
/// every connection that got an event while its session was ending.
@Suite("Hub: slow consumers and ending sessions")
struct HubOverflowTests {
    static func hub(_ capture: LogCapture) -> Hub {
        Hub(memberships: [(channel: 1, user: 7)], logger: Logger(label: "hub-test", factory: capture.handler))
    }

    static func event(_ seq: Int64) -> LoggedEvent {
        LoggedEvent(seq: seq, type: "message.new", channelId: 1, userId: nil, data: "{}")
    }

    @Test("an event for a session that is ending is not a slow consumer")
    func endingSession() {
        let capture = LogCapture()
        let hub = Self.hub(capture)
        let conn = Connection(id: 1, queueLimit: 4)
        hub.attach(conn)
        hub.register(conn, user: 7, initial: [])
        conn.finish()   // the reader ended; the writer sends what is queued and stops
        hub.publish([Self.event(1)])
        #expect(!capture.text.contains("slow consumer"), "\(capture.text)")
        #expect(hub.connectionCount == 1, "unregistered by the hub instead of by its session")
    }

    @Test("a queue that overflows is a slow consumer, reported once")
    func overflow() {
        let capture = LogCapture()
        let hub = Self.hub(capture)
        let conn = Connection(id: 1, queueLimit: 2)
        hub.attach(conn)
        hub.register(conn, user: 7, initial: [])
        hub.publish((1...5).map(Self.event))
        #expect(capture.text.components(separatedBy: "slow consumer").count - 1 == 1, "\(capture.text)")
        #expect(conn.overflowed)
        #expect(hub.connectionCount == 0)
    }
}
