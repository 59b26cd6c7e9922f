import Foundation
import SwarmProtocol
import Testing

/// Frames and request heads the raw-bytes guard must stop before the layers above see them:
/// found by the raw-frame fuzz (RawFrameFuzzTests), each pinned here on its own.
@Suite("Raw protocol errors: reserved bits and opcodes, refused and endless request heads", .hangGuard)
struct RawProtocolTests {
    /// alice live on a raw socket in #ops; returns the socket, the channel and an admin to look.
    static func liveAlice(_ server: TestServer) async throws -> (RawWebSocket, Channel, TestClient) {
        let admin = try await server.client("root", role: .admin)
        let token = try await server.user("alice")
        let channel = try await admin.createChannel("ops", members: ["alice"])
        let raw = try await RawWebSocket.connect(port: server.server.port)
        try await raw.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)"}"#)
        _ = try await raw.readFrame { $0.text.contains(#""ev":"ready""#) }
        return (raw, channel, admin)
    }

    @Test("a reserved bit or a reserved opcode closes with 1002 at once; posts sent after it are not executed",
          arguments: [(rsv: UInt8(4), opcode: UInt8(0x1)), (1, 0x9), (2, 0xA), (0, 0x3), (0, 0xB)])
    func reservedBitsAndOpcodes(rsv: UInt8, opcode: UInt8) async throws {
        try await withServer(configure: { $0.closeTimeoutSeconds = 30 }) { server in
            let (raw, channel, admin) = try await Self.liveAlice(server)
            let payload: [UInt8] = opcode == 0x1 ? Array(#"{"id":"x","op":"message.post","data":{"channel":"\#(channel.id)","body":"in the bad frame"}}"#.utf8) : []
            try await raw.sendRawBytes(RawWebSocket.encodeFrame(rsv: rsv, opcode: opcode, payload: payload, mask: [9, 8, 7, 6]))
            let close = try await raw.readFrame { $0.opcode == RawWebSocket.Frame.close }
            #expect(close.closeCode == 1002, "\(close)")
            // The WebSocket layer alone would go on reading; the guard cut the connection, long
            // before the 30 s close timeout.
            try? await raw.sendRequest(id: "p", op: "message.post", data: #"{"channel":"\#(channel.id)","body":"after the close"}"#)
            try await raw.waitForCut(seconds: 10)
            let history = try await admin.request(.history, HistoryRequest(channel: channel.id, limit: 50), as: HistoryReply.self)
            #expect(history.messages.isEmpty, "\(history.messages.map(\.body))")
        }
    }

    /// Sends `bytes` on a fresh socket and returns what came back before the server closed it,
    /// and how long that took.
    static func answer(to bytes: [UInt8], port: Int) async throws -> (String, Duration) {
        let raw = try await RawWebSocket.connect(port: port, handshake: false)
        try await raw.sendRawBytes(bytes)
        let took = try await raw.waitForEOF(seconds: 10)
        let text = await raw.receivedText()
        await raw.close()
        return (text, took)
    }

    @Test("a request head the HTTP decoder refuses gets 400 and is closed at once")
    func refusedHead() async throws {
        try await withServer(configure: { $0.headerTimeoutSeconds = 30 }) { server in
            for junk in ["GET /v1/ws HTTP/1.1\r\nBad Header Line\r\n\r\n", "garbage\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"] {
                let (text, took) = try await Self.answer(to: Array(junk.utf8), port: server.server.port)
                #expect(text.hasPrefix("HTTP/1.1 400"), "\(junk.debugDescription): \(text.debugDescription)")
                #expect(took < .seconds(20), "\(junk.debugDescription): closed after \(took) (the header timeout is 30 s)")
            }
        }
    }

    @Test("empty lines before the request line neither end the head nor stop the header timeout; a full upgrade after them is still checked")
    func emptyLinesFirst() async throws {
        try await withServer(configure: { $0.headerTimeoutSeconds = 1; $0.closeTimeoutSeconds = 30 }) { server in
            let (text, took) = try await Self.answer(to: Array("\r\n\r\nGET /v1/ws HTTP/1.1\r\nHost: a\r\n".utf8), port: server.server.port)
            #expect(text.isEmpty, "\(text.debugDescription)")
            #expect(took < .seconds(20), "cut after \(took) with a 1 s header timeout")
        }
        // Upgraded after empty lines: its frames are still scanned, so an unmasked one gets 1002.
        // (A server of its own: with a 1 s header timeout a loaded box may cut the upgrade first.)
        try await withServer(configure: { $0.headerTimeoutSeconds = 30; $0.closeTimeoutSeconds = 30 }) { server in
            let raw = try await RawWebSocket.connect(port: server.server.port, handshake: false)
            try await raw.sendRawBytes(Array("\r\n\r\n".utf8) + RawWebSocket.upgradeRequest())
            let head = try await raw.readResponseHead()
            #expect(head.hasPrefix("HTTP/1.1 101"), "\(head)")
            try await raw.sendRawBytes(RawWebSocket.encodeFrame(opcode: 0x1, payload: Array(#"{"id":"p","op":"ping"}"#.utf8), mask: nil))
            let close = try await raw.readFrame()
            #expect(close.closeCode == 1002, "\(close)")
            await raw.close()
        }
    }

    @Test("a request head over 64 KiB gets 431 and is closed, though the decoder would read 80 KiB")
    func longHead() async throws {
        try await withServer(configure: { $0.headerTimeoutSeconds = 30 }) { server in
            let head = Array("GET /v1/ws HTTP/1.1\r\nX-Pad: ".utf8) + [UInt8](repeating: 0x61, count: 70_000)
            let (text, took) = try await Self.answer(to: head, port: server.server.port)
            #expect(text.hasPrefix("HTTP/1.1 431"), "\(text.prefix(100).debugDescription)")
            #expect(took < .seconds(20), "closed after \(took) (the header timeout is 30 s)")
        }
    }
}
