import Logging
import NIOCore
import SwarmProtocol
import SwarmStore
import Synchronization

/// The hub's fan-out without sockets, for `micro-bench`: `members` live connections in one
/// channel. `publishOnce` publishes one `message.new` to them and empties every queue as the
/// drains would (without the write), so the time per call is the hub's routing and the queues'
/// work for one event, the part of a delivery that is ours and not the kernel's.
public final class HubFanoutFixture: Sendable {
    public let members: Int
    private let hub: Hub
    private let connections: [Connection]
    private let data: String
    private let seq = SeqCounter()

    public init(members: Int) {
        self.members = members
        let channel: Int64 = 1
        hub = Hub(memberships: (1...Int64(members)).map { (channel, $0) }, logger: Logger(label: "micro-bench"))
        connections = (1...members).map { Connection(id: $0, queueLimit: 1024) }
        for (i, conn) in connections.enumerated() {
            let user = Int64(i + 1)
            hub.attach(conn)
            _ = conn.authenticate(Principal(id: user, name: "u\(user)", role: .agent), presence: false, epoch: 0)
            hub.register(conn, user: user, initial: [])
        }
        data = #"{"id":"M1041","channel":"C1","author":"U1","author_name":"anna","body":"parcel late parcel late parcel late","thread":null,"reply_count":0,"mentions":[],"created_at":"2026-12-05T21:00:00.000Z","edited_at":null,"deleted":false}"#
    }

    /// One event to every member, then every queue emptied; returns the frames taken.
    @discardableResult
    public func publishOnce() -> Int {
        let event = LoggedEvent(seq: seq.next(), type: EventName.messageNew.rawValue, channelId: 1, userId: 1, data: data)
        hub.publish([event])
        var taken = 0
        var batch = CircularBuffer<Outbound>()
        for conn in connections {
            while conn.queue.takeForDrain(into: &batch) != nil {
                taken += batch.count
                batch.removeAll(keepingCapacity: true)
            }
        }
        return taken
    }
}

private final class SeqCounter: Sendable {
    private let value = Atomic<Int64>(0)
    func next() -> Int64 { value.add(1, ordering: .relaxed).newValue }
}
