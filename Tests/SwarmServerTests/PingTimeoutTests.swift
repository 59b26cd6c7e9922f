import Foundation
import Testing
@testable import SwarmServer

/// The server's pings (`server.ping_interval_seconds`): a client that answers stays, one that
/// does not is closed with 1001 after the next interval, and a pong the server has not read yet
/// (it is busy with a request from that client, with as much read ahead as it takes) counts
/// against no one.
@Suite("Server pings", .hangGuard)
struct PingTimeoutTests {
    @Test("a client that answers each ping stays open; one that never answers is closed with 1001 Ping timeout")
    func deadClientClosed() async throws {
        // 4 s: an answer is due within one interval, and on a loaded box the test's own task can
        // be late to read a ping by more than a second (1 s failed so once in a whole run, 2 s once
        // in a CI run beside another build).
        try await withServer(configure: { $0.pingIntervalSeconds = 4 }) { server in
            let (silent, _, _) = try await RawProtocolTests.liveAlice(server)
            let token = try await server.user("bob")
            let answering = try await RawWebSocket.connect(port: server.server.port)
            try await answering.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)"}"#)
            _ = try await answering.readFrame { $0.text.contains(#""ev":"ready""#) }

            // Three pings answered: still open, and still answering requests.
            for _ in 0..<3 {
                let ping = try await answering.readFrame(seconds: 10) { $0.opcode == RawWebSocket.Frame.ping }
                try await answering.sendFrame(opcode: RawWebSocket.Frame.pong, payload: ping.payload)
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

    @Test("a client that answers while the server is busy with its request, with 8 more read ahead behind it, is not closed: its pongs wait unread")
    func pongsBehindABusyRequest() async throws {
        // 2 s for the answers after the writer is back, as above; on PostgreSQL the held writer's
        // transaction must outlive PostgreSQL's idle-in-transaction cut (the statement timeout).
        try await withServer(configure: { $0.pingIntervalSeconds = 2; $0.statementTimeoutMilliseconds = 20_000 }) { server in
            let (raw, channel, _) = try await RawProtocolTests.liveAlice(server)
            // The writer held: the post below waits for its commit. The session reads ahead
            // `SessionHandler.readAhead` (8) messages behind it, then nothing more from this
            // socket until the post's reply is queued: the 8 pings behind the post fill that.
            let (gate, holder) = try await PipelinedWriteTests.holdWriter(server.store.committer)
            try await raw.sendRequest(id: "p1", op: "message.post", data: #"{"channel":"\#(channel.id)","body":"waits for the writer"}"#)
            let behind = (2...(1 + SessionHandler.readAhead)).map { "p\($0)" }
            for id in behind { try await raw.sendRequest(id: id, op: "ping", data: "{}") }

            // The ping of the next interval is answered at once; the pong sits unread behind the
            // requests. The timer sends no other ping while one is unanswered, so it would close this
            // client at the next interval if it judged it by what it has not read: no close may
            // come in 2.5 s, past that interval.
            let ping = try await raw.readFrame(seconds: 10) { $0.opcode == RawWebSocket.Frame.ping }
            try await raw.sendFrame(opcode: RawWebSocket.Frame.pong, payload: ping.payload)
            // Any other ping is answered too, as a client does: on a loaded machine the first ping
            // can come before the requests, and its pong then goes with them and is read.
            let quiet = ContinuousClock.now + .seconds(2.5)
            var closed: RawWebSocket.Frame?
            while closed == nil, let frame = try? await raw.readFrame(deadline: quiet) {
                if frame.opcode == RawWebSocket.Frame.close { closed = frame }
                if frame.opcode == RawWebSocket.Frame.ping { try await raw.sendFrame(opcode: RawWebSocket.Frame.pong, payload: frame.payload) }
            }
            #expect(closed == nil, "closed while its request waited for the writer: \(String(describing: closed))")
            gate.release.signal()
            try await holder.value

            // The post and the requests behind it are answered, and the connection stays open for
            // the next intervals (its pongs are read now).
            for id in ["p1"] + behind {
                let reply = try await raw.readFrame(seconds: 10) { $0.text.contains(#""re":"\#(id)""#) || $0.opcode == RawWebSocket.Frame.close }
                #expect(reply.text.contains(#""ok":true"#), "\(id): \(reply)")
            }
            for _ in 0..<2 {
                let ping = try await raw.readFrame(seconds: 10) { $0.opcode == RawWebSocket.Frame.ping || $0.opcode == RawWebSocket.Frame.close }
                #expect(ping.opcode == RawWebSocket.Frame.ping, "\(ping)")
                guard ping.opcode == RawWebSocket.Frame.ping else { break }
                try await raw.sendFrame(opcode: RawWebSocket.Frame.pong, payload: ping.payload)
            }
            await raw.close()
        }
    }
}
