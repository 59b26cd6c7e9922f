import NIOCore
import NIOWebSocket
import SwarmProtocol

/// The close handshake's frames (RFC 6455 §5.5.1, §7.4): what a client's close is answered with,
/// and the close frame this side sends. Pure, so `SessionHandler` keeps only the handshake's state.
enum CloseFrames {
    /// The code a client's close is answered with (as RFC 6455 §7.4 and the WebSocket library
    /// before `SessionHandler` did): 1000 for an empty close or a valid code, 1002 otherwise.
    static func answer(to payload: ByteBuffer) -> UInt16 {
        var payload = payload
        guard payload.readableBytes > 0 else { return CloseCode.normal }
        guard let code = payload.readInteger(as: UInt16.self) else { return CloseCode.protocolError }
        if payload.readableBytes > 0, String(validating: payload.readableBytesView, as: UTF8.self) == nil {
            return CloseCode.protocolError
        }
        let known: Set<UInt16> = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011]
        return known.contains(code) || (3000...4999).contains(code) ? CloseCode.normal : CloseCode.protocolError
    }

    /// A close frame with `code` and an optional reason.
    static func frame(_ code: UInt16, reason: String?) -> WebSocketFrame {
        var data = ByteBuffer()
        data.writeInteger(code)
        if let reason { data.writeString(reason) }
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }
}
