import NIOCore
import NIOEmbedded
import NIOWebSocket
@testable import swarm_load
import Testing

/// `swarm-load`'s hand-written WebSocket framing (`LeanFrames`) against NIO's own encoder and
/// decoder: what the tool sends must be what a server reads, and what a server sends must be read
/// whole, only when whole. A wrong reading here would make every load figure wrong.
@Suite("swarm-load's lean WebSocket framing reads and writes as NIO does")
struct LeanFramesTests {
    static let sizes = [0, 1, 125, 126, 1_000, 65_535, 65_536, 70_000]

    static func payload(_ n: Int) -> [UInt8] {
        var rng = SeededRandom(seed: UInt64(n) &+ 7)
        return (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    @Test("a masked client frame reads as its payload in NIO's decoder")
    func clientFramesDecode() throws {
        for n in Self.sizes {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
            let bytes = Self.payload(n)
            var out = ByteBuffer()
            LeanFrames.append(.text, bytes, mask: 0xA1B2_C3D4, to: &out)
            try channel.writeInbound(out)
            let frame = try #require(try channel.readInbound(as: WebSocketFrame.self), "size \(n)")
            #expect(frame.fin && frame.opcode == .text && frame.maskKey != nil, "size \(n)")
            #expect(Array(buffer: frame.unmaskedData) == bytes, "size \(n)")
            #expect(try channel.readInbound(as: WebSocketFrame.self) == nil)
            _ = try channel.finish()
        }
    }

    /// A frame as NIO's encoder writes it (a server's frames are not masked).
    static func serverFrame(_ bytes: [UInt8], opcode: WebSocketOpcode = .text, fin: Bool = true) throws -> ByteBuffer {
        let channel = EmbeddedChannel(handler: WebSocketFrameEncoder())
        try channel.writeOutbound(WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(bytes: bytes)))
        var all = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&part) }
        _ = try channel.finish()
        return all
    }

    @Test("a server frame is read whole, and nothing is read of it before its last byte")
    func serverFramesRead() throws {
        for n in Self.sizes {
            let bytes = Self.payload(n)
            let whole = try Self.serverFrame(bytes)
            // Every prefix short of the whole frame reads nothing and consumes nothing.
            for cut in Set([0, 1, 2, 3, 9, whole.readableBytes / 2, whole.readableBytes - 1]) where cut < whole.readableBytes {
                var part = whole.getSlice(at: whole.readerIndex, length: cut)!
                #expect(try LeanFrames.next(&part) == nil, "size \(n), cut \(cut)")
                #expect(part.readableBytes == cut)
            }
            var two = whole
            var next = try Self.serverFrame(Array("after".utf8), opcode: .ping)
            two.writeBuffer(&next)
            let frame = try #require(try LeanFrames.next(&two), "size \(n)")
            #expect(frame.opcode == .text && Array(buffer: frame.payload) == bytes, "size \(n)")
            let ping = try #require(try LeanFrames.next(&two))
            #expect(ping.opcode == .ping && String(buffer: ping.payload) == "after")
            #expect(two.readableBytes == 0)
        }
    }

    @Test("fragments and masked frames from a server are refused")
    func refusals() throws {
        var fragment = try Self.serverFrame(Array("part".utf8), fin: false)
        #expect(throws: LeanFrames.ProtocolError.self) { try LeanFrames.next(&fragment) }
        // The tool's own (masked) frame, as if a server had sent it.
        var masked = ByteBuffer()
        LeanFrames.append(.text, Array("x".utf8), mask: 1, to: &masked)
        #expect(throws: LeanFrames.ProtocolError.self) { try LeanFrames.next(&masked) }
    }

    @Test("the upgrade's answer: read once whole, the frames after it left in place; a refusal throws")
    func upgradeAnswer() throws {
        let head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"
        var partial = ByteBuffer(string: String(head.dropLast(2)))
        #expect(try LeanFrames.readUpgradeAnswer(&partial) == false)
        var whole = ByteBuffer(string: head)
        var frame = try Self.serverFrame(Array(#"{"ev":"ready"}"#.utf8))
        whole.writeBuffer(&frame)
        #expect(try LeanFrames.readUpgradeAnswer(&whole))
        #expect(String(buffer: try #require(try LeanFrames.next(&whole)).payload) == #"{"ev":"ready"}"#)
        var refused = ByteBuffer(string: "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
        #expect(throws: LeanFrames.ProtocolError.self) { try LeanFrames.readUpgradeAnswer(&refused) }
    }

    @Test("the byte search finds the first occurrence, or none")
    func search() {
        let hay = ByteBuffer(string: #"{"re":"p12","ok":true,"re":"p1"}"#)
        #expect(LeanFrames.offset(of: Array(#""re":"p1""#.utf8), in: hay) == 22)
        #expect(LeanFrames.offset(of: Array(#"{"re""#.utf8), in: hay) == 0)
        #expect(LeanFrames.offset(of: Array(#""ok":false"#.utf8), in: hay) == nil)
        #expect(LeanFrames.offset(of: Array(repeating: UInt8(ascii: "x"), count: 64), in: hay) == nil)
    }

}
