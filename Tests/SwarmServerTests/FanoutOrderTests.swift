import Foundation
@testable import SwarmServer
import SwarmProtocol
import Synchronization
import Testing

/// Frames are written on the socket's event loop by the connection's drain (`OutboundDrain`),
/// which stops while its socket is not writable and picks up where it stopped when it is again.
@Suite("Fanout: order under a burst, with a reader that stops for a while", .hangGuard)
struct FanoutOrderTests {
    @Test("a burst from four senders reaches every member in one log order; a member that stops reading gets all of it, in order, when it reads again")
    func burstWithPausedReader() async throws {
        try await withServer(configure: {
            $0.outboundQueueFrames = 4_000
            // The paused reader answers no pings: on a slow machine the burst could outlast two.
            $0.pingIntervalSeconds = 0
            $0.opsPerSecond = 100_000
            $0.opsBurst = 100_000
        }) { server in
            let senders = try await (0..<4).asyncMap { try await server.client("sender\($0)") }
            let members = try await (0..<6).asyncMap { try await server.client("member\($0)") }
            let slow = try await server.client("slow")
            let names = (0..<4).map { "sender\($0)" } + (0..<6).map { "member\($0)" } + ["slow"]
            let channel = try await senders[0].createChannel("burst", members: Array(names.dropFirst()))
            try await slow.event("member.joined") { $0.data?["user"]?.string == slow.userId }
            slow.conn.pauseReading()

            // 4 × 100 posts of 15 KB: 6 MB for each member, more than the slow reader's socket
            // buffers hold (4 MB send, 128 KB receive), so its drain must stop and go on later.
            let perSender = 100
            let body = String(repeating: "y", count: 15_000)
            let pausesBefore = server.server.core.outboundWrites.pauses
            let connections = server.server.connectionCount
            let posted = try await withThrowingTaskGroup(of: [String].self) { group in
                for (i, sender) in senders.enumerated() {
                    group.addTask {
                        var ids: [String] = []
                        for n in 0..<perSender { ids.append(try await sender.post(channel.id, "\(i)-\(n) \(body)").id) }
                        return ids
                    }
                }
                var all: [[String]] = []
                for try await ids in group { all.append(ids) }
                return all
            }
            let total = 4 * perSender

            // Every reading member gets everything while the slow one is stopped, in one order.
            var orders: [[String]] = []
            for member in members {
                orders.append(try await Self.receive(total, member))
            }
            #expect(server.server.core.outboundWrites.pauses > pausesBefore, "the slow reader's drain never paused: the test did not test it")
            #expect(server.server.connectionCount == connections, "nobody was closed as a slow consumer")
            slow.conn.resumeReading()
            orders.append(try await Self.receive(total, slow))

            let first = orders[0]
            #expect(Set(first) == Set(posted.flatMap { $0 }), "every post arrived once")
            for order in orders.dropFirst() { #expect(order == first, "members saw different orders") }
            // Each sender awaited each ack before its next post, so its posts are in log order.
            for ids in posted {
                let positions = ids.map { first.firstIndex(of: $0) ?? -1 }
                #expect(positions == positions.sorted(), "a sender's posts arrived out of order")
            }
        }
    }

    /// The next `count` message.new ids, checking that seqs only grow.
    static func receive(_ count: Int, _ client: TestClient) async throws -> [String] {
        var ids: [String] = []
        var last: Int64 = 0
        for _ in 0..<count {
            let event = try await client.event("message.new", seconds: 60)
            let seq = event.seq ?? 0
            #expect(seq > last, "seq \(seq) after \(last)")
            last = seq
            ids.append(event.data?["id"]?.string ?? "")
        }
        return ids
    }
}
