import Foundation
import SwarmProtocol
import SwarmServer

/// Plays raw cases against a server and checks each outcome against the rules: exactly one reply
/// per well-formed request, none `internal`; the documented close code; nothing answered after
/// a close; the TCP connection gone within the close timeout whatever the client does.
struct RawFuzzRunner: Sendable {
    let port: Int
    /// Tokens of users who are members of `channel`, where the cases post.
    let tokens: [String]
    let channel: String
    let helloTimeout: Double
    let closeTimeout: Double
    let pingInterval: Double
    let headerTimeout: Double
    let httpIdleTimeout: Double
    /// Room for a loaded machine on top of every documented timeout.
    var slack: Double = 5

    /// The timeouts are the server's own.
    init(port: Int, tokens: [String], channel: String, config: ServerConfig) {
        self.port = port
        self.tokens = tokens
        self.channel = channel
        helloTimeout = Double(config.helloTimeoutSeconds)
        closeTimeout = Double(config.closeTimeoutSeconds)
        pingInterval = Double(config.pingIntervalSeconds)
        headerTimeout = Double(config.headerTimeoutSeconds)
        httpIdleTimeout = Double(config.httpIdleTimeoutSeconds)
    }

    struct Result: Sendable {
        var problems: [String] = []
        var outcomes: [String: Int] = [:]
        /// Bodies of posts that were acknowledged: they must be stored.
        var acked: [String] = []
        /// Bodies of posts sent in or after hostile frames: they must never be stored.
        var forbidden: [String] = []
        var writes = 0

        mutating func merge(_ other: Result) {
            problems += other.problems
            outcomes.merge(other.outcomes, uniquingKeysWith: +)
            acked += other.acked
            forbidden += other.forbidden
            writes += other.writes
        }
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// A timeout that was due closed the connection before the case was over (a loaded machine):
    /// not a failure, but the case proves nothing more.
    struct TimeoutFirst: Error {
        /// The close code, or 0 for the header timeout (no WebSocket yet).
        var code: UInt16
    }

    /// One case under way.
    struct Attempt {
        var c: RawCase
        var started: ContinuousClock.Instant
    }

    /// Whether a close with `code` is one of the timeouts, and was due: the hello timeout before
    /// hello was answered (a case without hello, or one whose hello a loaded machine read after
    /// the timeout), the ping timeout for a client that never answers pings.
    func timeoutDue(_ code: UInt16, _ a: Attempt, helloPending: Bool = false) -> Bool {
        let elapsed = ContinuousClock.now - a.started
        let beforeHello = !a.c.authenticated || helloPending
        return (code == 4002 && beforeHello && elapsed >= .seconds(helloTimeout)) || (code == 1001 && elapsed >= .seconds(pingInterval))
    }

    func run(_ c: RawCase) async -> Result {
        var result = Result()
        if let forbidden = c.forbidden { result.forbidden.append(forbidden) }
        let attempt = Attempt(c: c, started: .now)
        do {
            let outcome = try await play(attempt, &result)
            result.outcomes["\(c.kind.rawValue): \(outcome)", default: 0] += 1
        } catch let first as TimeoutFirst {
            let what = first.code == 0 ? "header timeout" : "close \(first.code)"
            result.outcomes["\(c.kind.rawValue): \(what) (timeout first)", default: 0] += 1
        } catch {
            result.problems.append("#\(c.index) \(c.kind.rawValue)\(c.authenticated ? " after hello" : ""): \(error)")
        }
        return result
    }

    private func play(_ a: Attempt, _ result: inout Result) async throws -> String {
        let raw: RawWebSocket
        do {
            raw = try await RawWebSocket.connect(port: port, handshake: a.c.handshake)
        } catch {
            // A client starved for longer than the header timeout is cut before its upgrade.
            if ContinuousClock.now - a.started >= .seconds(headerTimeout) { throw TimeoutFirst(code: 0) }
            throw error
        }
        do {
            let outcome = try await play(a, on: raw, &result)
            await raw.close()
            return outcome
        } catch {
            await raw.close()
            throw error
        }
    }

    private func play(_ a: Attempt, on raw: RawWebSocket, _ result: inout Result) async throws -> String {
        let c = a.c
        if c.handshake {
            guard raw.upgraded else { throw Problem(description: "upgrade refused: \(raw.statusLine)") }
            if c.authenticated {
                try await raw.sendRequest(id: "h", op: "hello", data: #"{"token":"\#(tokens[c.index % tokens.count])","client":"raw-fuzz"}"#)
                let hello = try await reply(raw, to: "h", a, helloPending: true)
                guard hello.ok == true else { throw Problem(description: "hello refused: \(String(describing: hello.error))") }
                try await ready(raw, a)
            }
            for request in c.prelude {
                try await raw.sendRawBytes(request.frame)
                result.writes += 1
                try await expectAnswer(raw, to: request.id, posted: request.posted, a, &result)
            }
        }
        for write in c.hostile {
            // The server may cut the connection half-way through a case's writes; that is its right.
            try? await raw.sendRawBytes(write)
            result.writes += 1
        }
        switch c.expected {
        case .clientGone:
            return "client gone"
        case .noUpgrade:
            // Without a request head the header timeout ends it; a request that was answered is
            // closed by the answer or by the HTTP idle timeout.
            do {
                try await raw.waitForEOF(seconds: max(headerTimeout, httpIdleTimeout) + slack)
            } catch {
                let sent = String(decoding: c.hostile.joined().prefix(60), as: UTF8.self).debugDescription
                throw Problem(description: "still open after \(sent) (\(c.hostile.joined().count) bytes): \(error)")
            }
            let answer = await raw.receivedText()
            let status = answer.components(separatedBy: "\r\n").first ?? ""
            if status.hasPrefix("HTTP/1.1 101") { throw Problem(description: "junk was upgraded: \(status)") }
            return status.isEmpty ? "closed unanswered" : String(status.prefix(12))
        case .reply(let id, let posted):
            try await expectAnswer(raw, to: id, posted: posted, a, &result)
            // Still open: a proper close gets a proper answer.
            try await raw.sendFrame(opcode: RawWebSocket.Frame.close, payload: [0x03, 0xE8])
            try await expectClose(raw, code: 1000, a, seconds: slack)
            try await raw.waitForCut(seconds: closeTimeout + slack)
            return "answered"
        case .close(let code):
            let got = try await expectClose(raw, code: code, a, seconds: slack)
            try await afterClose(raw, c, closedWith: got, &result)
            return "close \(got)"
        case .timeoutClose:
            let code: UInt16 = c.authenticated ? 1001 : 4002
            let bound = c.authenticated ? 2 * pingInterval : helloTimeout
            let got = try await expectClose(raw, code: code, a, seconds: bound + slack)
            try await afterClose(raw, c, closedWith: got, &result)
            return "close \(got)"
        }
    }

    /// The next reply (skipping events and control frames); it must answer `id`. `helloPending`:
    /// `id` is the hello, so the hello timeout may still come first.
    private func reply(_ raw: RawWebSocket, to id: String, _ a: Attempt, helloPending: Bool = false) async throws -> ServerFrame {
        while true {
            let frame = try await raw.readFrame(seconds: 10 + slack)
            if frame.opcode == RawWebSocket.Frame.close {
                if let code = frame.closeCode, timeoutDue(code, a, helloPending: helloPending) { throw TimeoutFirst(code: code) }
                throw Problem(description: "closed (\(frame)) before the reply to \(id)")
            }
            guard frame.opcode == RawWebSocket.Frame.text else { continue }
            let parsed = try JSONDecoder().decode(ServerFrame.self, from: Data(frame.payload))
            // Events, and the hello timeout's error that comes just before its close.
            if parsed.isEvent || (parsed.re == nil && parsed.error?.code == .unauthorized && (!a.c.authenticated || helloPending)) { continue }
            if parsed.error?.code == .internal { throw Problem(description: "internal error: \(frame.text)") }
            guard parsed.re == id else { throw Problem(description: "waiting for the reply to \(id), got \(frame.text.prefix(300))") }
            return parsed
        }
    }

    /// Events up to `ready`, which follows the hello reply.
    private func ready(_ raw: RawWebSocket, _ a: Attempt) async throws {
        while true {
            let frame = try await raw.readFrame(seconds: 10 + slack)
            if frame.opcode == RawWebSocket.Frame.close {
                if let code = frame.closeCode, timeoutDue(code, a) { throw TimeoutFirst(code: code) }
                throw Problem(description: "closed (\(frame)) before ready")
            }
            if frame.text.contains(#""ev":"ready""#) { return }
        }
    }

    /// One answer to a well-formed request: ok after hello (a post is then stored), refused
    /// with `unauthorized` before it.
    private func expectAnswer(_ raw: RawWebSocket, to id: String, posted: String?, _ a: Attempt, _ result: inout Result) async throws {
        let answer = try await reply(raw, to: id, a)
        if a.c.authenticated {
            guard answer.ok == true else { throw Problem(description: "\(id) refused: \(String(describing: answer.error))") }
            if let posted { result.acked.append(posted) }
        } else if answer.error?.code != .unauthorized {
            throw Problem(description: "\(id) before hello answered \(String(describing: answer.error?.code))")
        }
    }

    /// Reads up to the server's close frame: its code must be `code`, or that of a timeout that
    /// was due anyway (the hello timeout before hello, the ping timeout for a client that does
    /// not answer pings), and nothing but events may come before it.
    @discardableResult
    private func expectClose(_ raw: RawWebSocket, code: UInt16, _ a: Attempt, seconds: Double) async throws -> UInt16 {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let frame: RawWebSocket.Frame
            do {
                frame = try await raw.readFrame(deadline: deadline)
            } catch {
                throw Problem(description: "no close \(code): \(error)")
            }
            if frame.opcode == RawWebSocket.Frame.ping || frame.opcode == RawWebSocket.Frame.pong { continue }
            if frame.opcode == RawWebSocket.Frame.text, let parsed = try? JSONDecoder().decode(ServerFrame.self, from: Data(frame.payload)) {
                // The hello timeout's error comes just before its close.
                if parsed.isEvent || (parsed.re == nil && parsed.error?.code == .unauthorized) { continue }
            }
            guard frame.opcode == RawWebSocket.Frame.close else { throw Problem(description: "expected close \(code), got \(frame)") }
            let got = frame.closeCode ?? 0
            guard got == code || timeoutDue(got, a) else { throw Problem(description: "expected close \(code), got \(frame)") }
            return got
        }
    }

    /// After the server's close: a client that answers it is let go at once; one that ignores
    /// it and keeps posting gets nothing executed or answered and is cut within the close timeout.
    private func afterClose(_ raw: RawWebSocket, _ c: RawCase, closedWith code: UInt16, _ result: inout Result) async throws {
        if c.answersClose {
            try? await raw.sendFrame(opcode: RawWebSocket.Frame.close, payload: [0x03, 0xE8])
        } else {
            if let body = c.forbidden {
                try? await raw.sendRequest(id: "late", op: "message.post", data: #"{"channel":"\#(channel)","body":"\#(body)"}"#)
            }
            try? await raw.sendRequest(id: "late-ping", op: "ping")
            result.writes += 2
        }
        do {
            try await raw.waitForCut(seconds: closeTimeout + slack)
        } catch {
            throw Problem(description: "not cut after the close: \(error)")
        }
        // Nothing answered after the close. A second close frame may come (a garbled stream after
        // the first close can still trip the raw guard or the frame decoder): harmless. Known
        // and left: the WebSocket library's ping-timeout close (1001) races the session's writer,
        // so an event already on its way may follow that close frame.
        let late = await raw.remainingFrames().filter { frame in
            guard frame.opcode <= RawWebSocket.Frame.binary else { return false }
            return !(code == 1001 && frame.text.hasPrefix(#"{"ev":"#))
        }
        if !late.isEmpty { throw Problem(description: "data frames after the close: \(late)") }
    }
}
