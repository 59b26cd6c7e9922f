import NIOCore

/// A complete server-to-client WebSocket text frame (header and payload) in one buffer.
///
/// Why: a server never masks its frames, so the bytes of an event's frame are the same for every
/// recipient. The hub encodes each event once and every recipient's connection writes this one
/// shared buffer below the frame encoder (`OutboundDrain`): one write per delivery, no frame
/// header built per recipient, no copy. Valid only while the server negotiates no WebSocket
/// extension (none is configured: see `SwarmServer`); an extension such as permessage-deflate
/// would have to transform each frame, and these bytes would bypass it.
struct WireFrame: Sendable {
    let bytes: ByteBuffer

    init(text: String) {
        let count = text.utf8.count
        var buffer = ByteBufferAllocator().buffer(capacity: count + 10)
        buffer.writeInteger(UInt8(0x81))   // FIN, opcode text
        if count < 126 {
            buffer.writeInteger(UInt8(count))
        } else if count <= Int(UInt16.max) {
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(count))
        } else {
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(count))
        }
        buffer.writeString(text)
        bytes = buffer
    }
}
