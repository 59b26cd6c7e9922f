import Logging
import NIOCore
@testable import SwarmServer
import SwarmStore
import Testing

/// A hello at or past what the hub has published gets `ready` at once (no replay query), and the
/// events it already has that come live afterwards (committed before its head was read, published
/// after it registered) are below the queue's floor, so the drain drops them as after a replay.
@Suite("Hub: hello without a replay")
struct HubHelloTests {
    static func event(_ seq: Int64) -> LoggedEvent {
        LoggedEvent(seq: seq, type: "message.new", channelId: 1, userId: nil, data: "{}")
    }

    /// A hub that has published events 1 through `published` and then a member's session registered
    /// with a hello at `after` (the log's head read as `head`).
    static func session(published: Int64, after: Int64, head: Int64) -> (Hub, Connection) {
        let hub = Hub(memberships: [(channel: 1, user: 7)], logger: Logger(label: "hub-hello-test"))
        hub.publish((1...published).map(Self.event))
        let conn = Connection(id: 1, queueLimit: 16)
        hub.attach(conn)
        hub.register(conn, user: 7, initial: [], missed: (after: after, head: head))
        return (hub, conn)
    }

    static func drained(_ conn: Connection) -> (floor: Int64?, items: [Outbound]) {
        var batch = CircularBuffer<Outbound>()
        let floor = conn.queue.takeForDrain(into: &batch)
        return (floor, Array(batch))
    }

    @Test("nothing published after the session's point: ready at once, events it has dropped, later ones kept")
    func readyAtOnce() {
        // The hello read head 7: events 6 and 7 are committed but not yet published.
        let (hub, conn) = Self.session(published: 5, after: 7, head: 7)
        hub.publish((6...8).map(Self.event))
        let (floor, items) = Self.drained(conn)
        #expect(floor == 7, "events through the hello's head are below the floor")
        var seqs: [Int64?] = []
        for case .frame(_, let seq) in items { seqs.append(seq) }
        // `ready` (no seq) first, then the live frames; the drain writes only those above the floor.
        #expect(seqs == [nil, 6, 7, 8])
        #expect(seqs.compactMap { $0 }.filter { $0 > (floor ?? 0) } == [8])
    }

    @Test("events published after the session's point: the replay runs")
    func replayWhenBehind() {
        let (_, conn) = Self.session(published: 9, after: 7, head: 9)
        let (floor, items) = Self.drained(conn)
        // The replay is the queue's head: offered to the session's task, not drained.
        #expect(floor == nil && items.isEmpty)
    }
}
