import Foundation
import FoundationNetworking
import SwarmProtocol
import Testing

/// Half-open and hostile connections cannot hold the server: every timeout cuts the TCP
/// connection, unauthenticated connections are capped per address, shutdown is bounded.
@Suite("Connection limits and timeouts", .hangGuard)
struct ConnectionLimitsTests {
    static let incompleteHead = Array("GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n".utf8)

    @Test("a client that never finishes its HTTP headers is cut after the header timeout")
    func headerTimeout() async throws {
        try await withServer(configure: { $0.headerTimeoutSeconds = 1 }) { server in
            let raw = try await RawWebSocket.connect(port: server.server.port, handshake: false)
            try await raw.sendRawBytes(Self.incompleteHead)
            let took = try await raw.waitForEOF(seconds: 30)
            #expect(took < .seconds(20), "cut after \(took) with a 1 s header timeout")
        }
    }

    @Test("connections without hello are capped per address; /healthz and logins from elsewhere still work")
    func perAddressCap() async throws {
        try await withServer(configure: { $0.maxConnectionsWithoutHelloPerAddress = 3; $0.helloTimeoutSeconds = 60 }) { server in
            let port = server.server.port
            // A session that said hello does not count against its address.
            let token = try await server.user("bob")
            let bob = try await RawWebSocket.connect(port: port, bindAddress: "127.0.0.2")
            try await bob.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)"}"#)
            _ = try await bob.readFrame { $0.text.contains(#""ev":"ready""#) }
            // Three upgraded sockets that never say hello fill the address's allowance…
            var held: [RawWebSocket] = []
            for _ in 0..<3 {
                let raw = try await RawWebSocket.connect(port: port, bindAddress: "127.0.0.2")
                #expect(raw.upgraded, "\(raw.statusLine)")
                held.append(raw)
            }
            // …so the next one from there is answered 503 and closed, before its request is read.
            let extra = try await RawWebSocket.connect(port: port, bindAddress: "127.0.0.2")
            #expect(extra.statusLine.hasPrefix("HTTP/1.1 503"), "\(extra.statusLine)")
            try await extra.waitForEOF(seconds: 30)
            // Other addresses are not affected.
            let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: data, as: UTF8.self) == "ok\n")
            let alice = try await server.client("alice")
            _ = try await alice.request(.ping, Empty())
            for raw in held + [bob] { await raw.close() }
        }
    }

    @Test("an unmasked client frame closes the socket with 1002 and is not executed")
    func unmaskedFrame() async throws {
        try await withServer(configure: { $0.closeTimeoutSeconds = 1 }) { server in
            let token = try await server.user("alice")
            let raw = try await RawWebSocket.connect(port: server.server.port)
            try await raw.sendText(#"{"id":"h","op":"hello","data":{"token":"\#(token)"}}"#, masked: false)
            let close = try await raw.readFrame()
            #expect(close.closeCode == 1002, "\(close)")
            try await raw.waitForEOF(seconds: 30)
        }
    }

    @Test("invalid UTF-8 in a text frame closes the socket with 1007")
    func invalidUTF8() async throws {
        try await withServer(configure: { $0.closeTimeoutSeconds = 1 }) { server in
            let raw = try await RawWebSocket.connect(port: server.server.port)
            try await raw.sendFrame(opcode: RawWebSocket.Frame.text, payload: Array(#"{"id":"x","op":"ping","data":""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8))
            let close = try await raw.readFrame { $0.opcode == RawWebSocket.Frame.close }
            #expect(close.closeCode == 1007, "\(close)")
            try await raw.waitForCut(seconds: 30)
        }
    }

    @Test("stop() finishes within the grace period while clients ignore the close frame")
    func boundedStop() async throws {
        // Each wait is a named step: the CI of 2c27cdd failed here once on a bare "deadline
        // passed" that did not say which wait it was.
        let server = try await step("server start") {
            try await TestServer.start { $0.shutdownGraceSeconds = 1; $0.closeTimeoutSeconds = 60; $0.headerTimeoutSeconds = 60; $0.helloTimeoutSeconds = 60 }
        }
        let token = try await server.user("alice")
        let live = try await step("live: connect and upgrade") { try await RawWebSocket.connect(port: server.server.port) }
        try await live.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)"}"#)
        _ = try await step("live: ready after hello") { try await live.readFrame { $0.text.contains(#""ev":"ready""#) } }
        let silent = try await step("silent: connect and upgrade") { try await RawWebSocket.connect(port: server.server.port) }
        let halfHead = try await step("half head: connect") { try await RawWebSocket.connect(port: server.server.port, handshake: false) }
        try await halfHead.sendRawBytes(Self.incompleteHead)

        let start = ContinuousClock.now
        let stopped = Task { await server.stop() }
        for (name, raw) in [("live", live), ("silent", silent)] {
            try await step("\(name): cut by the shutdown") { try await raw.waitForCut(seconds: 30) }
        }
        // The 1001 close goes out first unless the box stalls past the 1 s grace before the
        // session's writer runs (seen once in CI, the test taking 27 s): then the cut at the grace
        // is all the client gets, which is what bounds the stop. A close that did come is 1001
        // (the SIGTERM test below checks that it comes).
        if let close = await live.remainingFrames().first(where: { $0.opcode == RawWebSocket.Frame.close }) {
            #expect(close.closeCode == 1001)
        }
        try await step("half head: closed by the shutdown") { try await halfHead.waitForEOF(seconds: 30) }
        await stopped.value
        let took = ContinuousClock.now - start
        // The bound separates the grace period (1 s) from the 60 s timeouts it must cut short; it is wide
        // because the suite shares two cores with everything else.
        #expect(took < .seconds(30), "stop took \(took) with a 1 s grace period")
    }
}

@Suite("swarmd shutdown with a half-open client", .hangGuard, .serialized)
struct ShutdownTests {
    @Test("SIGTERM: close 1001, then the process exits within the grace period although the client ignores it")
    func sigtermWithHalfOpenClient() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-sigterm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("swarm.sqlite").path
        let add = try ChildServer.run(["admin", "user", "add", "alice", "--db", db])
        let token = try #require(add.output.split(separator: "\n").first { $0.hasPrefix("token: ") }).dropFirst(7)
        let server = try await ChildServer.start(db: db, environment: [
            "SWARM_SERVER_SHUTDOWN_GRACE_SECONDS": "1", "SWARM_SERVER_CLOSE_TIMEOUT_SECONDS": "60",
            "SWARM_SERVER_HEADER_TIMEOUT_SECONDS": "60", "SWARM_SERVER_HELLO_TIMEOUT_SECONDS": "60",
        ])
        let live = try await RawWebSocket.connect(port: server.port)
        try await live.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(token)"}"#)
        _ = try await live.readFrame { $0.text.contains(#""ev":"ready""#) }
        let halfHead = try await RawWebSocket.connect(port: server.port, handshake: false)
        try await halfHead.sendRawBytes(ConnectionLimitsTests.incompleteHead)

        let start = ContinuousClock.now
        server.process.signal(SIGTERM)
        let close = try await live.readFrame { $0.opcode == RawWebSocket.Frame.close }
        #expect(close.closeCode == 1001)
        try await live.waitForCut(seconds: 30)
        try await halfHead.waitForEOF(seconds: 30)
        let status = try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask { await server.process.exitCode() }
            group.addTask { try await Task.sleep(for: .seconds(40)); return nil }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        if status == nil { server.kill() }
        #expect(status == 0, "swarmd did not exit within 40 s of SIGTERM (status \(String(describing: status)))")
        let took = ContinuousClock.now - start
        #expect(took < .seconds(30), "exit took \(took) with a 1 s grace period (the timeouts it cuts short are 60 s)")
    }
}
