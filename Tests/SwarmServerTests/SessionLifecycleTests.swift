import Foundation
import SwarmProtocol
import Testing

/// Sessions run as channel handlers, with no task of their own: what a task's end used to do
/// (free the connection, answer a client that went away) must happen without one.
@Suite("Session lifecycle without a task per connection", .hangGuard)
struct SessionLifecycleTests {
    @Test("every connection is freed once it closed, however it ended: a close handshake, a cut socket, a half-close, no hello")
    func closedConnectionsAreFreed() async throws {
        // A close timer left behind would hold a connection for 30 s, past the waits below.
        try await withServer(configure: { $0.closeTimeoutSeconds = 30 }) { server in
            let admin = try await server.client("root", role: .admin)
            let channel = try await admin.createChannel("ops")
            let baseline = server.server.liveConnectionObjects
            #expect(baseline > 0, "the admin's connection is counted")

            for i in 0..<4 {
                let client = try await server.client("polite\(i)")
                _ = try await client.request(.channelJoin, ChannelRef(channel: channel.id))
                _ = try await client.post(channel.id, "hello from \(i)")
                await client.close()
            }
            for i in 0..<4 {
                let (raw, _) = try await Self.liveRaw(server, "cut\(i)")
                await raw.close()
            }
            for i in 0..<4 {
                let (raw, _) = try await Self.liveRaw(server, "halfclosed\(i)")
                try await raw.shutdownOutput()
                try await raw.waitForEOF(seconds: 10)
                await raw.close()
            }
            for _ in 0..<4 {
                let raw = try await RawWebSocket.connect(port: server.server.port)
                await raw.close()
            }
            try await waitFor("sessions back to the admin's", seconds: 10) { server.server.connectionCount == 1 }
            try await waitFor("connection objects back to \(baseline) (now \(server.server.liveConnectionObjects))", seconds: 10) {
                server.server.liveConnectionObjects == baseline
            }
            _ = try await admin.post(channel.id, "still here")
        }
    }

    @Test("a hello still being checked when its socket closes leaves nobody online and nothing behind")
    func helloRacingTheClose() async throws {
        // A close timer left behind would hold a connection for 30 s, past the waits below.
        try await withServer(configure: { $0.closeTimeoutSeconds = 30 }) { server in
            let admin = try await server.client("root", role: .admin)
            let baseline = server.server.liveConnectionObjects
            var names: [String] = []
            for i in 0..<40 {
                let name = "late\(i)"
                names.append(name)
                let token = try await server.user(name)
                let raw = try await RawWebSocket.connect(port: server.server.port)
                // Hello, then reset before its answer: the check of the token is still running when
                // the channel ends (a FIN would wait its turn behind the hello; a reset does not).
                try await raw.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)","presence":true}"#)
                await raw.reset()
            }
            try await waitFor("sessions back to the admin's", seconds: 10) { server.server.connectionCount == 1 }
            try await waitFor("connection objects back to \(baseline) (now \(server.server.liveConnectionObjects))", seconds: 10) {
                server.server.liveConnectionObjects == baseline
            }
            let online = try await admin.request(.presenceList, Empty(), as: PresenceListReply.self).users
                .filter { $0.status != .offline }.map(\.user)
            let users = try await admin.request(.userList, Empty(), as: UserListReply.self).users
            let late = Set(users.filter { names.contains($0.name) }.map(\.id))
            #expect(late.count == names.count)
            #expect(Set(online).isDisjoint(with: late), "\(Set(online).intersection(late).count) gone users still online")
        }
    }

    @Test("a client that shuts its sending side after a request gets the reply, then a 1000 close, and the socket ends at once")
    func halfCloseIsAnswered() async throws {
        try await withServer(configure: { $0.closeTimeoutSeconds = 30 }) { server in
            let admin = try await server.client("root", role: .admin)
            let (raw, _) = try await Self.liveRaw(server, "alice")
            let channel = try await admin.createChannel("ops", members: ["alice"])
            try await raw.sendRequest(id: "p", op: "message.post", data: #"{"channel":"\#(channel.id)","body":"last words"}"#)
            try await raw.shutdownOutput()
            let reply = try await raw.readFrame { $0.text.contains(#""re":"p""#) }
            #expect(reply.text.contains(#""ok":true"#), "\(reply)")
            let close = try await raw.readFrame { $0.opcode == RawWebSocket.Frame.close }
            #expect(close.closeCode == 1000, "\(close)")
            let took = try await raw.waitForEOF(seconds: 10)
            #expect(took < .seconds(10), "closed after \(took); the close timeout is 30 s")
            await raw.close()
            try await waitFor("alice's session gone", seconds: 10) { server.server.connectionCount == 1 }
            let history = try await admin.request(.history, HistoryRequest(channel: channel.id, limit: 10), as: HistoryReply.self)
            #expect(history.messages.map(\.body) == ["last words"])
        }
    }

    @Test("an upgrade by POST gets 400 and is closed; /v1/ws/ with a query is the session endpoint")
    func upgradePathAndMethod() async throws {
        try await withServer(configure: { $0.headerTimeoutSeconds = 30 }) { server in
            let post = "POST /v1/ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n"
            let (text, took) = try await RawProtocolTests.answer(to: Array(post.utf8), port: server.server.port)
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(text.debugDescription)")
            #expect(took < .seconds(20), "closed after \(took) (the header timeout is 30 s)")
            let raw = try await RawWebSocket.connect(port: server.server.port, path: "/v1/ws/?x=1")
            #expect(raw.statusLine.hasPrefix("HTTP/1.1 101"), "\(raw.statusLine)")
            await raw.close()
        }
    }

    /// A new user live on a raw socket (hello answered, replay done).
    static func liveRaw(_ server: TestServer, _ name: String) async throws -> (RawWebSocket, String) {
        let token = try await server.user(name)
        let raw = try await RawWebSocket.connect(port: server.server.port)
        try await raw.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)"}"#)
        _ = try await raw.readFrame { $0.text.contains(#""ev":"ready""#) }
        return (raw, token)
    }
}
