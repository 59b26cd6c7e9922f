import Foundation
import Testing

/// The server's pings (`server.ping_interval_seconds`): a client that answers stays, one that
/// does not is closed with 1001 after the next interval.
@Suite("Server pings", .hangGuard)
struct PingTimeoutTests {
    @Test("a client that answers each ping stays open; one that never answers is closed with 1001 Ping timeout")
    func deadClientClosed() async throws {
        try await withServer(configure: { $0.pingIntervalSeconds = 1 }) { server in
            let (silent, _, _) = try await RawProtocolTests.liveAlice(server)
            let token = try await server.user("bob")
            let answering = try await RawWebSocket.connect(port: server.server.port)
            try await answering.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)"}"#)
            _ = try await answering.readFrame { $0.text.contains(#""ev":"ready""#) }

            // Three pings answered: still open, and still answering requests.
            for _ in 0..<3 {
                let ping = try await answering.readFrame(seconds: 10) { $0.opcode == RawWebSocket.Frame.ping }
                try await answering.sendRawBytes(RawWebSocket.encodeFrame(opcode: RawWebSocket.Frame.pong, payload: ping.payload, mask: [1, 2, 3, 4]))
            }
            try await answering.sendRequest(id: "p", op: "ping", data: "{}")
            let reply = try await answering.readFrame(seconds: 10) { $0.text.contains(#""re":"p""#) || $0.opcode == RawWebSocket.Frame.close }
            #expect(reply.opcode == RawWebSocket.Frame.text, "\(reply)")

            // The silent one was pinged as often and never answered.
            let close = try await silent.readFrame(seconds: 10) { $0.opcode == RawWebSocket.Frame.close }
            #expect(close.closeCode == 1001, "\(close)")
            #expect(close.text.contains("Ping timeout"), "\(close)")
            await silent.close()
            await answering.close()
        }
    }
}
