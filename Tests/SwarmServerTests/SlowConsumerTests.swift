import Foundation
import SwarmProtocol
import Testing

@Suite("Fan-out never waits for a slow reader", .hangGuard)
struct SlowConsumerTests {
    @Test("a client that stops reading is closed with 4008 while others keep receiving")
    func slowConsumerIsDropped() async throws {
        // The 4008 close waits behind the slow reader's full socket until it reads again, after the
        // posts below: a long close timeout, so a slow machine does not cut it first.
        try await withServer(configure: { $0.outboundQueueFrames = 16; $0.closeTimeoutSeconds = 120 }) { server in
            let poster = try await server.client("poster")
            let fast = try await server.client("fast")
            let slow = try await server.client("slow")
            let channel = try await poster.createChannel("firehose", members: ["fast", "slow"])
            try await slow.event("member.joined") { $0.data?["user"]?.string == slow.userId }
            slow.conn.pauseReading()

            // Large messages fill the slow reader's socket buffers quickly; stop as soon as the server
            // has dropped it (bounded, so a broken server fails instead of hanging). The fast reader is
            // checked in step with the posts: it gets each message, in order, and never lags far enough
            // behind to be a slow reader itself, however loaded the machine is.
            let body = String(repeating: "x", count: 15_000)
            let connectionsBefore = server.server.connectionCount
            var posted = 0
            func postAndCheckFastReader(_ text: String) async throws {
                let id = try await poster.post(channel.id, text).id
                let ev = try await fast.event("message.new", seconds: 30)
                #expect(ev.data?["id"]?.string == id)
                posted += 1
            }
            while server.server.connectionCount == connectionsBefore, posted < 5_000 {
                try await postAndCheckFastReader(body)
            }
            #expect(server.server.connectionCount == connectionsBefore - 1, "slow consumer was never dropped")
            for _ in 0..<20 { try await postAndCheckFastReader("after the drop") }

            slow.conn.resumeReading()
            let closed = await slow.conn.closed()
            #expect(closed.code == 4008)
        }
    }
}
