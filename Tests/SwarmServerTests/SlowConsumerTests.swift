import Foundation
import SwarmProtocol
import Testing

@Suite("Fan-out never waits for a slow reader", .hangGuard)
struct SlowConsumerTests {
    @Test("a client that stops reading is closed with 4008 while others keep receiving")
    func slowConsumerIsDropped() async throws {
        try await withServer(configure: { $0.outboundQueueFrames = 16 }) { server in
            let poster = try await server.client("poster")
            let fast = try await server.client("fast")
            let slow = try await server.client("slow")
            let channel = try await poster.createChannel("firehose", members: ["fast", "slow"])
            try await slow.event("member.joined") { $0.data?["user"]?.string == slow.userId }
            slow.conn.pauseReading()

            // Large messages fill the socket buffers quickly; stop as soon as the server has
            // dropped the slow connection (bounded, so a broken server fails instead of hanging).
            let body = String(repeating: "x", count: 15_000)
            let connectionsBefore = server.server.connectionCount
            var posted: [String] = []
            while server.server.connectionCount == connectionsBefore, posted.count < 5_000 {
                posted.append(try await poster.post(channel.id, body).id)
            }
            #expect(server.server.connectionCount == connectionsBefore - 1, "slow consumer was never dropped")
            for _ in 0..<20 { posted.append(try await poster.post(channel.id, "after the drop").id) }

            // The fast reader got every message, in order.
            for id in posted {
                let ev = try await fast.event("message.new", seconds: 30)
                #expect(ev.data?["id"]?.string == id)
            }
            slow.conn.resumeReading()
            let closed = await slow.conn.closed()
            #expect(closed.code == 4008)
        }
    }
}
