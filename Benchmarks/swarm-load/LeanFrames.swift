import Foundation
import NIOCore

/// The few pieces of RFC 6455 the lean ack-only client needs, on bare bytes: the upgrade request,
/// masked text frames out (a client must mask), whole unmasked frames in (a server never masks).
/// Why by hand: the async WebSocket client cost the tool more CPU per post than the server spent
/// on it (80 % of a core against the server's 84 % at ~5,000 acked posts/s), so on this 2-core box
/// the tool, not the server, set the ceiling of `--ack-only`.
enum LeanFrames {
    enum Opcode: UInt8 {
        case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA
    }

    struct Frame {
        var opcode: Opcode
        var payload: ByteBuffer
    }

    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The HTTP request that asks to upgrade to WebSocket. The key is random per connection, as
    /// RFC 6455 asks; the answer's `Sec-WebSocket-Accept` is not checked (a load tool on its own server).
    static func upgradeRequest(host: String, port: Int, path: String) -> String {
        var key = [UInt8](repeating: 0, count: 16)
        for i in key.indices { key[i] = .random(in: 0...255) }
        return "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(Data(key).base64EncodedString())\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// Reads the upgrade's answer off the front of `buffer`: true once a `101` has been read
    /// whole, false while its head is incomplete; throws for any other answer.
    static func readUpgradeAnswer(_ buffer: inout ByteBuffer) throws -> Bool {
        let terminator = Array("\r\n\r\n".utf8)
        guard let end = offset(of: terminator, in: buffer) else {
            if buffer.readableBytes > 16_384 { throw ProtocolError("upgrade answer head over 16 KiB") }
            return false
        }
        let head = buffer.readString(length: end)!
        guard head.hasPrefix("HTTP/1.1 101") else {
            throw ProtocolError("upgrade refused: " + (head.split(separator: "\r\n").first.map(String.init) ?? head))
        }
        buffer.moveReaderIndex(forwardBy: terminator.count)
        return true
    }

    /// Appends one final, masked frame carrying `payload`.
    static func append(_ opcode: Opcode, _ payload: some Collection<UInt8>, mask: UInt32, to out: inout ByteBuffer) {
        out.writeInteger(0x80 | opcode.rawValue)
        let n = payload.count
        if n < 126 {
            out.writeInteger(0x80 | UInt8(n))
        } else if n <= Int(UInt16.max) {
            out.writeInteger(UInt8(0x80 | 126))
            out.writeInteger(UInt16(n))
        } else {
            out.writeInteger(UInt8(0x80 | 127))
            out.writeInteger(UInt64(n))
        }
        out.writeInteger(mask)
        out.reserveCapacity(minimumWritableBytes: n)
        // Payload byte i is XORed with the mask's byte i mod 4, first byte first (as written above).
        var i = 0
        for byte in payload {
            out.writeInteger(byte ^ UInt8(truncatingIfNeeded: mask >> (24 - 8 * (i & 3))))
            i += 1
        }
    }

    /// The next whole frame off the front of `buffer`, or nil while it is incomplete. Fragmented
    /// and masked frames are refused: swarmd sends neither.
    static func next(_ buffer: inout ByteBuffer, maxPayload: Int = 16 << 20) throws -> Frame? {
        let start = buffer.readerIndex
        guard let b0 = buffer.getInteger(at: start, as: UInt8.self),
              let b1 = buffer.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        guard b0 & 0x80 != 0 else { throw ProtocolError("fragmented frame") }
        guard b1 & 0x80 == 0 else { throw ProtocolError("masked frame from the server") }
        guard let opcode = Opcode(rawValue: b0 & 0x0F), opcode != .continuation else {
            throw ProtocolError("unexpected opcode \(b0 & 0x0F)")
        }
        var headerBytes = 2
        var length = Int(b1 & 0x7F)
        if length == 126 {
            guard let n = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            length = Int(n)
            headerBytes = 4
        } else if length == 127 {
            guard let n = buffer.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            guard n <= UInt64(maxPayload) else { throw ProtocolError("frame of \(n) bytes") }
            length = Int(n)
            headerBytes = 10
        }
        guard buffer.readableBytes >= headerBytes + length else { return nil }
        buffer.moveReaderIndex(forwardBy: headerBytes)
        let payload = buffer.readSlice(length: length)!
        return Frame(opcode: opcode, payload: payload)
    }

    /// Where `needle` first occurs in `buffer`'s readable bytes (an offset from its reader index).
    /// A plain loop over the bytes, because the generic `firstRange(of:)` on a `ByteBufferView`
    /// cost the tool more than the rest of its work per post.
    static func offset(of needle: [UInt8], in buffer: ByteBuffer) -> Int? {
        guard let first = needle.first else { return 0 }
        return buffer.withUnsafeReadableBytes { hay -> Int? in
            guard hay.count >= needle.count else { return nil }
            var i = 0
            search: while i <= hay.count - needle.count {
                defer { i += 1 }
                guard hay[i] == first else { continue }
                for k in 1..<needle.count where hay[i + k] != needle[k] { continue search }
                return i
            }
            return nil
        }
    }
}
