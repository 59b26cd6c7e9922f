import Foundation
import Logging
import SwarmClient
import SwarmProtocol
@testable import SwarmServer
import Synchronization
import Testing

/// Everything a server logs, kept in memory so a test can search it.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    func handler(label: String) -> any LogHandler { Handler(capture: self) }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
            let text = "\(event.level) \(event.message) " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.lines.withLock { $0.append(text) }
        }
    }
}

/// A token sent in the wrong member of a frame must not end up in the server log.
@Suite("Logs carry no client secrets", .hangGuard)
struct LogSafetyTests {
    @Test("plain ids and client names are logged as sent; anything secret-looking only as length and hash")
    func logSafeRules() {
        #expect(LogSafe.text("c-17") == "c-17")
        #expect(LogSafe.text("swarm-cli/0.1 (linux)", maxLength: 64) == "swarm-cli/0.1 (linux)")
        let token = "swt_" + String(repeating: "ab12", count: 16)
        for value in [token, String(token.dropFirst(4)), String(repeating: "x", count: 41)] {
            let logged = LogSafe.text(value)
            #expect(!logged.contains(value) && logged.hasPrefix("<\(value.utf8.count) bytes, sha256 "), "\(logged)")
        }
        #expect(LogSafe.fingerprint("message.post").count == LogSafe.fingerprint("message.pots").count)
        let why = LogSafe.redact("no such channel: \(token.prefix(64))\nfake log line")
        #expect(why.hasPrefix("no such channel: <") && !why.contains("ab12ab12") && !why.contains("\n"), "\(why)")
        #expect(LogSafe.redact("idempotency_key must be 1–128 bytes") == "idempotency_key must be 1–128 bytes")
    }

    @Test("a token sent as op, as request id, or as the hello client name is not in the log")
    func tokenInWrongMember() async throws {
        let capture = LogCapture()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-logs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = ServerConfig()
        config.port = 0
        config.databasePath = dir.appendingPathComponent("swarm.sqlite").path
        config.synchronous = "normal"
        config.helloTimeoutSeconds = 120   // a stalled shared box must not turn a slow hello into a failure
        var logger = Logger(label: "swarmd-log-test", factory: capture.handler)
        logger.logLevel = .debug
        let server = try await SwarmServer.start(config, logger: logger)
        let url = "ws://127.0.0.1:\(server.port)/v1/ws"
        let token = try await server.store.createUser(name: "alice", role: .agent).1

        let raw = try await SwarmConnection.connect(url: url, hello: nil)
        try await raw.sendRaw(#"{"id":"1","op":"\#(token)","data":{}}"#)
        try await raw.sendRaw(#"{"id":"\#(token)","op":"channel.list","data":{}}"#)
        let hello = HelloRequest(token: token, client: "bot with \(token) pasted in")
        let alice = try await SwarmConnection.connect(url: url, hello: hello)
        let refused = try await alice.send(Op.history.rawValue, HistoryRequest(channel: token))
        #expect(refused.error?.code == .notFound)
        try await raw.sendRaw(#"{"id":"2","op":"ping","data":{}}"#)
        var replies = 0
        for await frame in raw.events where frame.re != nil {
            replies += 1
            if frame.re == "2" { break }
        }
        #expect(replies == 3)
        await raw.close()
        await alice.close()
        await server.stop()

        let log = capture.text
        #expect(log.contains("unknown op") && log.contains("session started"), "\(log)")
        // Any 16 characters of the secret part would be too much.
        for start in stride(from: 4, to: token.count - 16, by: 8) {
            let piece = String(token.dropFirst(start).prefix(16))
            #expect(!log.contains(piece), "part of the token is in the log:\n\(log)")
        }
    }
}
