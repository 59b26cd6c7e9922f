import Foundation
import struct NIOCore.IOError
import SwarmProtocol
import SwarmStore
import Testing

/// A client that ignores close frames must not keep a session: once the server has asked to
/// close, nothing it sends is executed, and its TCP connection is cut after the close timeout.
@Suite("Closed means closed, whatever the client does", .hangGuard)
struct RevokedSessionTests {
    /// alice on a raw socket that never answers close frames, live in #ops with root (admin).
    static func setUp(_ server: TestServer) async throws -> (admin: TestClient, raw: RawWebSocket, channel: Channel) {
        let admin = try await server.client("root", role: .admin)
        let token = try await server.user("alice")
        let channel = try await admin.createChannel("ops", members: ["alice"])
        let raw = try await RawWebSocket.connect(port: server.server.port)
        #expect(raw.upgraded, "\(raw.statusLine)")
        try await raw.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)","client":"raw"}"#)
        let hello = try await raw.readFrame { $0.text.contains(#""re":"h""#) }
        #expect(hello.text.contains(#""ok":true"#), "\(hello)")
        _ = try await raw.readFrame { $0.text.contains(#""ev":"ready""#) }
        return (admin, raw, channel)
    }

    /// Sends posts and a channel.create as if the close never came (the 8 s close timeout leaves
    /// time for that, and for the close frame to leave, even when the shared box stalls for
    /// seconds: at 3 s a stall cut the socket before the close frame was written, in CI);
    /// returns once the server cut
    /// the socket, with how long that took and what the server sent after its close frame.
    static func ignoreCloseAndPost(_ raw: RawWebSocket, channel: String) async throws -> (Duration, [RawWebSocket.Frame]) {
        let start = ContinuousClock.now
        // On a loaded machine the close timeout may run out while these are still being sent:
        // a write refused because the server already cut the connection is that cut, not a failure.
        do {
            for i in 0..<20 {
                try await raw.sendRequest(id: "p\(i)", op: "message.post", data: #"{"channel":"\#(channel)","body":"after revoke \#(i)"}"#)
            }
            try await raw.sendRequest(id: "c", op: "channel.create", data: #"{"name":"sneaky"}"#)
            try await raw.waitForCut(seconds: 30)
        } catch where RawWebSocket.isCut(error) {}
        return (ContinuousClock.now - start, await raw.remainingFrames())
    }

    static func expectNothingLanded(_ admin: TestClient, channel: String) async throws {
        let history = try await admin.request(.history, HistoryRequest(channel: channel, limit: 200), as: HistoryReply.self)
        #expect(!history.messages.contains { $0.body.hasPrefix("after revoke") }, "a post sent after the close landed")
        // The name is still free: the revoked session's channel.create never ran.
        _ = try await admin.createChannel("sneaky")
    }

    /// alice's token is revoked by `revoke` (which says how many tokens it revoked) while she
    /// ignores close frames: the 4001 close comes, nothing she sends after it runs or is
    /// answered, and the TCP connection is cut within the 8 s close timeout.
    static func revokeWhileIgnoringClose(_ server: TestServer, revoke: (TestClient) async throws -> Int) async throws {
        let (admin, raw, channel) = try await setUp(server)
        #expect(try await revoke(admin) == 1)
        let close = try await raw.readFrame(seconds: 10) { $0.opcode == RawWebSocket.Frame.close }
        #expect(close.closeCode == 4001)
        let (took, after) = try await ignoreCloseAndPost(raw, channel: channel.id)
        #expect(after.isEmpty, "frames after the close: \(after)")
        #expect(took < .seconds(20), "cut after \(took) with an 8 s close timeout (without the cut it stays open)")
        try await expectNothingLanded(admin, channel: channel.id)
    }

    @Test("token.revoke over the socket: later posts and channel.create are not executed; TCP cut within the close timeout")
    func socketRevoke() async throws {
        try await withServer(configure: { $0.closeTimeoutSeconds = 8 }) { server in
            try await Self.revokeWhileIgnoringClose(server) { admin in
                try await admin.request(.tokenRevoke, TokenRevokeRequest(user: "alice"), as: TokenRevokeReply.self).revoked
            }
        }
    }

    @Test("revoke written by another process (admin CLI): noticed by polling, then nothing more is executed")
    func revokeFromAnotherStore() async throws {
        try await withServer(configure: { $0.closeTimeoutSeconds = 8 }) { server in
            try await Self.revokeWhileIgnoringClose(server) { _ in
                let other = try await SQLiteStore.connect(server.config.storeOptions(readers: 1))
                let revoked = try await other.revokeTokens(user: "alice")
                await other.close()
                return revoked
            }
        }
    }

    @Test("after the hello-timeout close (4002) a hello is not accepted, and the socket is cut")
    func helloAfterHelloTimeout() async throws {
        try await withServer(configure: { $0.helloTimeoutSeconds = 1; $0.closeTimeoutSeconds = 8 }) { server in
            let token = try await server.user("alice")
            let raw = try await RawWebSocket.connect(port: server.server.port)
            let close = try await raw.readFrame { $0.opcode == RawWebSocket.Frame.close }
            #expect(close.closeCode == 4002)
            let start = ContinuousClock.now
            do {
                try await raw.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)"}"#)
                for i in 0..<5 { try await raw.sendRequest(id: "p\(i)", op: "channel.list") }
                try await raw.waitForCut(seconds: 30)
            } catch where RawWebSocket.isCut(error) {}   // already cut
            let took = ContinuousClock.now - start
            #expect(took < .seconds(20), "cut after \(took) with an 8 s close timeout (without the cut it stays open)")
            let after = await raw.remainingFrames()
            #expect(after.isEmpty, "frames after the close: \(after)")
        }
    }
}
