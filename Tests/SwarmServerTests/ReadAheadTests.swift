import Foundation
@testable import SwarmServer
import Testing

/// A session reads up to `SessionHandler.readAhead` messages ahead while a request is handled, and
/// holds its socket's reads after that: a client that pipelines is answered in order, each post's
/// event before its reply, and nothing is lost while reads are held and let go again.
@Suite("Read-ahead: pipelined requests", .hangGuard)
struct ReadAheadTests {
    @Test("100 posts of 3,200 bytes sent in one write without waiting are all committed and answered in order, each event before its reply")
    func pipelinedPostsInOrder() async throws {
        try await withServer(configure: { $0.opsPerSecond = 100_000; $0.opsBurst = 100_000 }) { server in
            let (raw, channel, _) = try await RawProtocolTests.liveAlice(server)
            // ~330 KB in one write: more than NIO reads in one go (4 reads of up to 64 KiB) and far
            // more than the read-ahead, so reads are held and let go many times. Few posts, each
            // larger: they commit one after another (one connection), and 300 of them outlasted the
            // deadline on PostgreSQL in a loaded CI run.
            let count = 100
            let pad = String(repeating: "x", count: 3_200)
            var bytes: [UInt8] = []
            for n in 0..<count {
                let text = #"{"id":"p\#(n)","op":"message.post","data":{"channel":"\#(channel.id)","body":"pipelined \#(n) \#(pad)"}}"#
                bytes += RawWebSocket.encodeFrame(opcode: RawWebSocket.Frame.text, payload: Array(text.utf8), mask: [1, 2, 3, 4])
            }
            try await raw.sendRawBytes(bytes)
            var replies: [String] = []
            var eventBodies: Set<String> = []
            let deadline = ContinuousClock.now + .seconds(120)
            while replies.count < count {
                let text = try await raw.readFrame(deadline: deadline).text
                if text.contains(#""ev":"message.new""#), let body = text.firstMatch(of: #/"body":"(pipelined [0-9]+) /#)?.1 {
                    eventBodies.insert(String(body))
                } else if let id = text.firstMatch(of: /"re":"(p[0-9]+)"/)?.1 {
                    #expect(text.contains(#""ok":true"#), "\(text)")
                    #expect(eventBodies.contains("pipelined \(id.dropFirst())"), "the event of \(id) before its reply")
                    replies.append(String(id))
                }
            }
            #expect(replies == (0..<count).map { "p\($0)" })
            await raw.close()
        }
    }
}
