import Logging
import NIOCore
@testable import SwarmServer
import SwarmStore
import Testing

/// Which events the hub marks as held for the delivery tick (`server.delivery_tick_min_members`):
/// those whose audience is at least the threshold. Channel 1 has three members, channel 2 two;
/// all three users watch presence. Whether a connection's queued event was held shows in what its
/// queue answers a reply pushed behind it: `expediteNeeded` behind held events, else `enqueued`.
@Suite("Hub: only large audiences' events are held")
struct HubHoldTests {
    static func hub(holdFrom: Int) -> (Hub, [Connection]) {
        let hub = Hub(memberships: [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)], logger: Logger(label: "hub-hold-test"), holdFrom: holdFrom)
        let connections = (1...3).map { Connection(id: $0, queueLimit: 64) }
        for (i, conn) in connections.enumerated() {
            let user = Int64(i + 1)
            hub.attach(conn)
            _ = conn.authenticate(Principal(id: user, name: "u\(user)", role: .agent), presence: true, epoch: 0)
            hub.register(conn, user: user, initial: [])
        }
        for conn in connections { empty(conn) }
        return (hub, connections)
    }

    static func empty(_ conn: Connection) {
        var batch = CircularBuffer<Outbound>()
        while conn.queue.takeForDrain(into: &batch) != nil { batch.removeAll() }
    }

    /// Whether what was just queued for `conn` was held; leaves the queue empty.
    static func held(_ conn: Connection) -> Bool {
        defer { empty(conn) }
        return conn.queue.push(.frame(WireFrame(text: "reply"), seq: nil)) == .expediteNeeded
    }

    static func message(_ seq: Int64, channel: Int64) -> LoggedEvent {
        LoggedEvent(seq: seq, type: "message.new", channelId: channel, userId: nil, data: "{}")
    }

    @Test("posts and typing: held in the three-member channel, not in the two-member one")
    func channels() {
        let (hub, conns) = Self.hub(holdFrom: 3)
        hub.publish([Self.message(1, channel: 1)])
        #expect(conns.map(Self.held) == [true, true, true])
        hub.publish([Self.message(2, channel: 2)])
        #expect(conns.prefix(2).map(Self.held) == [false, false])
        hub.sendEphemeral(channel: 1, except: nil, frame: "{}")
        #expect(conns.map(Self.held) == [true, true, true])
        hub.sendEphemeral(channel: 2, except: nil, frame: "{}")
        #expect(conns.prefix(2).map(Self.held) == [false, false])
    }

    @Test("presence: held when its watchers reach the threshold")
    func presence() {
        let (three, conns) = Self.hub(holdFrom: 3)
        three.broadcastPresence("{}")
        #expect(conns.map(Self.held) == [true, true, true])
        let (four, others) = Self.hub(holdFrom: 4)
        four.broadcastPresence("{}")
        #expect(others.map(Self.held) == [false, false, false])
    }

    @Test("threshold 0 holds every event")
    func zeroHoldsAll() {
        let (hub, conns) = Self.hub(holdFrom: 0)
        hub.publish([Self.message(1, channel: 2)])
        #expect(conns.prefix(2).map(Self.held) == [true, true])
    }
}
