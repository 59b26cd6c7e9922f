import NIOCore
import NIOEmbedded
import NIOWebSocket
@testable import swarm_load
import Testing

/// `swarm-load`'s lean connections on an `EmbeddedChannel`: what they send, what they count,
/// and that their tallies survive the channel's close (NIO takes a closed channel's handlers out).
@Suite("swarm-load's lean connections send and count as the async client did")
struct LeanSocketTests {
    static let upgradeAnswer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"

    static func serverFrame(_ text: String, opcode: WebSocketOpcode = .text) throws -> ByteBuffer {
        try LeanFramesTests.serverFrame(Array(text.utf8), opcode: opcode)
    }

    /// What the handler wrote since the last call: "UPGRADE" for the request, each frame's text
    /// (unmasked by NIO's decoder), "PONG <payload>" for a pong.
    static func written(_ channel: EmbeddedChannel) throws -> [String] {
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        defer { _ = try? decoder.finish() }
        var out: [String] = []
        while let bytes = try channel.readOutbound(as: ByteBuffer.self) {
            if String(buffer: bytes).hasPrefix("GET ") { out.append("UPGRADE"); continue }
            try decoder.writeInbound(bytes)
            while let frame = try decoder.readInbound(as: WebSocketFrame.self) {
                let text = String(buffer: frame.unmaskedData)
                out.append(frame.opcode == .pong ? "PONG " + text : text)
            }
        }
        return out
    }

    /// Connects `socket` on a new embedded channel and answers its upgrade and `hello` in one read.
    static func live(_ socket: LeanSocket, on channel: EmbeddedChannel) throws {
        try channel.pipeline.syncOperations.addHandler(socket)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        #expect(try written(channel) == ["UPGRADE"])
        var read = ByteBuffer(string: upgradeAnswer)
        var early = try serverFrame(#"{"ev":"presence","data":{}}"#)
        var reply = try serverFrame(#"{"data":{"seq":0},"ok":true,"re":"h"}"#)
        read.writeBuffer(&early)
        read.writeBuffer(&reply)
        try channel.writeInbound(read)
        let hello = try written(channel)
        #expect(hello.count == 1 && hello[0].contains(#""op":"hello""#) && hello[0].contains(#""token":"tok""#))
        try socket.ready.futureResult.wait()
    }

    @Test("a sender posts the moment its reply is read, answers pings, and counts acks, refusals and the post lost with the connection")
    func sender() throws {
        let channel = EmbeddedChannel()
        let failures = Tally()
        let sender = LeanAckSender(plan: .init(token: "tok", channel: "C1", number: 3, bodyBytes: 64, failures: failures),
                                   upgradeRequest: "GET /v1/ws HTTP/1.1\r\n\r\n", loop: channel.eventLoop)
        try Self.live(sender, on: channel)
        let now = LoadClock.nanos()
        sender.start(atNanos: now - 1, measureFrom: now - 1, endNanos: now + 60_000_000_000)
        let first = try Self.written(channel)
        #expect(first.count == 1 && first[0].hasPrefix(#"{"id":"p1","op":"message.post","data":{"channel":"C1","body":"swarm-load ~t"#))

        // Its own message's event, a reply to someone else's id: not its reply.
        try channel.writeInbound(try Self.serverFrame(#"{"ev":"message.new","data":{"body":"x"}}"#))
        try channel.writeInbound(try Self.serverFrame(#"{"re":"p12","ok":true}"#))
        #expect(try Self.written(channel).isEmpty)
        // The reply, keys in another order: the next post goes out.
        try channel.writeInbound(try Self.serverFrame(#"{"data":{"id":"M1"},"ok":true,"re":"p1"}"#))
        #expect(try Self.written(channel).map { $0.hasPrefix(#"{"id":"p2","#) } == [true])
        try channel.writeInbound(try Self.serverFrame("ping-1", opcode: .ping))
        #expect(try Self.written(channel) == ["PONG ping-1"])
        try channel.writeInbound(try Self.serverFrame(#"{"re":"p2","ok":false,"error":{"code":"forbidden","message":"no"}}"#))
        #expect(try Self.written(channel).map { $0.hasPrefix(#"{"id":"p3","#) } == [true])

        // The server goes away with p3 awaiting its reply.
        try channel.close().wait()
        let result = try sender.finished.futureResult.wait()
        #expect(result.sent == 3 && result.acked == 1 && result.failed == 2)
        #expect(result.ack.count == 1)
        #expect(failures.snapshot["message.post forbidden"] == 1)
        #expect(failures.total == 2)
    }

    @Test("a receiver times the measured posts it reads, and its tally outlives the channel")
    func receiver() throws {
        let channel = EmbeddedChannel()
        let window = Window()
        // Send times are nanoseconds since the tool's clock started (in this process: about now).
        let now = max(LoadClock.nanos(), 1)
        window.setMeasureFrom(now)
        let receiver = LeanReceiver(token: "tok", window: window, upgradeRequest: "GET /v1/ws HTTP/1.1\r\n\r\n", loop: channel.eventLoop)
        try Self.live(receiver, on: channel)
        func event(sent: Int64) -> String {
            #"{"ev":"message.new","seq":9,"data":{"body":"\#(Marker.body(sentNanos: sent, sender: 1, number: 1, bytes: 64))"}}"#
        }
        try channel.writeInbound(try Self.serverFrame(event(sent: now)))     // measured
        try channel.writeInbound(try Self.serverFrame(event(sent: now - 1))) // sent in the warm-up
        try channel.writeInbound(try Self.serverFrame(#"{"ev":"typing","data":{"body":"~t1~"}}"#))
        // The server closes the connection while the run goes on.
        try channel.close().wait()
        let result = receiver.result
        #expect(result.delivered == 1 && window.delivered.current == 1)
        #expect(result.latency.count == 1 && result.lastDeliveryNanos >= now)
        #expect(result.endedEarly != nil)
    }
}
