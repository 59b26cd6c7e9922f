import Foundation
import SwarmClient
import SwarmProtocol
import SwarmServer

/// A `protocol/examples/*.jsonl` transcript: the format is defined in protocol/PROTOCOL.md,
/// section "Example transcripts". Parsing checks every line's shape up front, so a typo in a
/// transcript fails with its line number before any socket is opened.
struct Transcript: Sendable {
    struct UserSpec: Sendable {
        var name: String
        var role: Role
        /// Optional `"skills": ["billing"]` on the users line.
        var skills: [String] = []
    }

    enum Action: Sendable {
        case comment
        case send(JSONValue)
        case sendRaw(String)
        case expect(JSONValue)
        case connect(bearer: JSONValue?)
        case disconnect
        case closed(code: Int)
    }

    struct Step: Sendable {
        var line: Int
        var user: String
        var action: Action
    }

    var file: String
    var users: [UserSpec]
    var steps: [Step]
    /// The users line's optional `"config"`, as the TOML text `config/swarmd.toml` would hold.
    var configTOML: String?

    /// The package root, found from this file's place in it (Tests/SwarmServerTests/Support/).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var examplesDirectory: URL { packageRoot.appendingPathComponent("protocol/examples") }

    /// File names of every transcript, sorted.
    static func fileNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    /// `{"section": {"key": value}}` as TOML, checked against the server's keys now so a typo
    /// fails at its line rather than at start-up.
    static func toml(_ config: JSONValue, fail: (String) -> TranscriptFailure) throws -> String {
        guard let sections = config.object else { throw fail("config is an object of sections") }
        var text = ""
        for (section, keys) in sections.sorted(by: { $0.key < $1.key }) {
            guard let keys = keys.object else { throw fail("config.\(section) is an object of keys") }
            text += "[\(section)]\n"
            for (key, value) in keys.sorted(by: { $0.key < $1.key }) {
                text += "\(key) = \(value.description)\n"
            }
        }
        var probe = ServerConfig()
        do { try probe.apply(toml: text, source: "config") } catch { throw fail("\(error)") }
        return text
    }

    static func load(_ file: String) throws -> Transcript {
        let url = examplesDirectory.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        return try parse(text, file: file)
    }

    static func parse(_ text: String, file: String) throws -> Transcript {
        var users: [UserSpec]?
        var steps: [Step] = []
        var configTOML: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            func fail(_ why: String) -> TranscriptFailure { TranscriptFailure(file: file, line: line, message: why) }
            if raw.allSatisfy(\.isWhitespace) { continue }
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(raw.utf8)), let object = value.object else {
                throw fail("not a JSON object")
            }
            if users == nil {
                if object["comment"] != nil, object.count == 1 { continue }
                guard let list = object["users"]?.array, object.count == (object["config"] == nil ? 1 : 2) else {
                    throw fail("the first line must be {\"users\": [...]} with an optional \"config\"")
                }
                if let config = object["config"] {
                    configTOML = try Self.toml(config, fail: fail)
                }
                users = try list.map { item in
                    guard let name = item["name"]?.string, let role = item["role"]?.string.flatMap(Role.init(rawValue:)) else {
                        throw fail("each user needs a name and a role (\(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    var skills: [String] = []
                    if let given = item["skills"] {
                        guard let list = given.array, list.allSatisfy({ $0.string != nil }) else { throw fail("skills is an array of strings") }
                        skills = list.compactMap(\.string)
                    }
                    return UserSpec(name: name, role: role, skills: skills)
                }
                continue
            }
            if let comment = object["comment"] {
                guard comment.string != nil, object.count == 1 else { throw fail("a comment line is {\"comment\": \"...\"} alone") }
                continue
            }
            guard let user = object["as"]?.string, !user.isEmpty else { throw fail("missing \"as\"") }
            guard object.count == 2 else { throw fail("a line has \"as\" and exactly one action") }
            let action: Action
            if let frame = object["send"] {
                guard frame.object != nil else { throw fail("send takes a JSON object") }
                action = .send(frame)
            } else if let raw = object["send_raw"] {
                guard let text = raw.string else { throw fail("send_raw takes a string") }
                action = .sendRaw(text)
            } else if let pattern = object["expect"] {
                action = .expect(pattern)
            } else if let options = object["connect"] {
                guard let o = options.object, Set(o.keys).isSubset(of: ["bearer"]) else { throw fail("connect takes {} or {\"bearer\": ...}") }
                action = .connect(bearer: o["bearer"])
            } else if let flag = object["disconnect"] {
                guard flag == .bool(true) else { throw fail("disconnect takes true") }
                action = .disconnect
            } else if let closed = object["closed"] {
                guard let code = closed["code"]?.int, closed.object?.count == 1 else { throw fail("closed takes {\"code\": N}") }
                action = .closed(code: Int(code))
            } else {
                throw fail("unknown action; expected send, send_raw, expect, connect, disconnect or closed")
            }
            steps.append(Step(line: line, user: user, action: action))
        }
        guard let users else { throw TranscriptFailure(file: file, line: 1, message: "empty transcript") }
        return Transcript(file: file, users: users, steps: steps, configTOML: configTOML)
    }
}

struct TranscriptFailure: Error, CustomStringConvertible {
    var file: String
    var line: Int
    var message: String
    var description: String { "\(file):\(line): \(message)" }
}

/// Frames one connection received and not yet consumed; waiting always has a deadline.
actor FrameQueue {
    enum Next: Sendable {
        case frame(String)
        case ended
        case timedOut
    }

    private var frames: [String] = []
    private var ended = false
    private var waiter: (id: Int, cont: CheckedContinuation<Next, Never>)?
    private var nextWaiter = 0

    func add(_ text: String) {
        if let w = waiter {
            waiter = nil
            w.cont.resume(returning: .frame(text))
        } else {
            frames.append(text)
        }
    }

    func finish() {
        ended = true
        if let w = waiter {
            waiter = nil
            w.cont.resume(returning: .ended)
        }
    }

    /// The next frame, or `.ended` when the connection closed first, or `.timedOut` after `seconds`.
    func next(seconds: Double) async -> Next {
        if !frames.isEmpty { return .frame(frames.removeFirst()) }
        if ended { return .ended }
        let id = nextWaiter
        nextWaiter += 1
        let deadline = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            await self?.expire(id)
        }
        defer { deadline.cancel() }
        return await withCheckedContinuation { cont in waiter = (id, cont) }
    }

    private func expire(_ id: Int) {
        guard let w = waiter, w.id == id else { return }
        waiter = nil
        w.cont.resume(returning: .timedOut)
    }
}

/// One raw socket of a transcript user, with every received text frame queued in order.
struct TranscriptConnection: Sendable {
    let conn: SwarmConnection
    let queue: FrameQueue

    static func open(url: String, bearer: String?) async throws -> TranscriptConnection {
        let conn = try await SwarmConnection.connect(url: url, hello: nil, headerToken: bearer, keepRaw: true)
        let queue = FrameQueue()
        if let raw = conn.rawFrames {
            Task {
                for await text in raw { await queue.add(text) }
                await queue.finish()
            }
        } else {
            await queue.finish()
        }
        return TranscriptConnection(conn: conn, queue: queue)
    }
}

/// Replays one transcript against a live server, failing with file, line, expected and actual.
struct TranscriptRunner {
    /// Only a failing replay waits this long; it is generous because the transcripts run in parallel with
    /// the rest of the suite on two cores (a shared CI box stalled 5 s once), and on PostgreSQL every op is
    /// several round trips: in CI's PostgreSQL pass the whole suite ran 2.5× slower than on SQLite and one
    /// `case.interaction` went unanswered for 20 s (alone, the same transcript replays in well under 1 s).
    static let deadlineSeconds = 60.0

    let transcript: Transcript
    let url: String
    var bindings = Bindings()
    var connections: [String: TranscriptConnection] = [:]
    /// Every frame sent and every frame matched by an expect, in order, as JSON lines
    /// `{"as": U, "sent"|"received": frame}`; written to `$SWARM_TRANSCRIPT_DUMP/NAME.jsonl` when
    /// that variable names an existing directory (scripts/check-schemas.py validates them).
    var dump: [String] = []
    static let dumpDirectory = ProcessInfo.processInfo.environment["SWARM_TRANSCRIPT_DUMP"]

    init(transcript: Transcript, url: String, tokens: [String: String]) {
        self.transcript = transcript
        self.url = url
        bindings.tokens = tokens
    }

    mutating func run() async throws {
        do {
            for step in transcript.steps { try await perform(step) }
        } catch {
            await closeAll()
            throw error
        }
        await closeAll()
        if let dir = Self.dumpDirectory {
            let url = URL(fileURLWithPath: dir).appendingPathComponent(transcript.file)
            try? (dump.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
    }

    private mutating func record(_ user: String, _ direction: String, _ text: String) {
        guard Self.dumpDirectory != nil else { return }
        dump.append(JSONValue.object(["as": .string(user), direction: (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)]).description)
    }

    private mutating func closeAll() async {
        for conn in connections.values { await conn.conn.close() }
        connections = [:]
    }

    private func failure(_ step: Transcript.Step, _ message: String) -> TranscriptFailure {
        TranscriptFailure(file: transcript.file, line: step.line, message: "[\(step.user)] \(message)")
    }

    private mutating func connection(for step: Transcript.Step) async throws -> TranscriptConnection {
        if let c = connections[step.user] { return c }
        do {
            let c = try await TranscriptConnection.open(url: url, bearer: nil)
            connections[step.user] = c
            return c
        } catch {
            throw failure(step, "could not connect: \(error)")
        }
    }

    private mutating func perform(_ step: Transcript.Step) async throws {
        switch step.action {
        case .comment:
            return
        case .connect(let bearer):
            guard connections[step.user] == nil else { throw failure(step, "already connected; disconnect first") }
            var header: String?
            if let bearer {
                do { header = try bindings.substitute(bearer).string } catch { throw failure(step, "\(error)") }
                guard header != nil else { throw failure(step, "bearer must be a string") }
            }
            do {
                connections[step.user] = try await TranscriptConnection.open(url: url, bearer: header)
            } catch {
                throw failure(step, "could not connect: \(error)")
            }
        case .disconnect:
            guard let c = connections.removeValue(forKey: step.user) else { throw failure(step, "not connected") }
            await c.conn.close()
        case .send(let frame):
            let c = try await connection(for: step)
            let text: String
            do {
                text = try bindings.substitute(frame).description
            } catch {
                throw failure(step, "\(error)")
            }
            record(step.user, "sent", text)
            do { try await c.conn.sendRaw(text) } catch { throw failure(step, "send failed: \(error)") }
        case .sendRaw(let text):
            let c = try await connection(for: step)
            do { try await c.conn.sendRaw(text) } catch { throw failure(step, "send failed: \(error)") }
        case .expect(let pattern):
            let c = try await connection(for: step)
            switch await c.queue.next(seconds: Self.deadlineSeconds) {
            case .timedOut:
                throw failure(step, "expected \(pattern)\n  actual: nothing within \(Self.deadlineSeconds) s")
            case .ended:
                let closed = await c.conn.closed()
                throw failure(step, "expected \(pattern)\n  actual: connection closed (\(closed.code.map(String.init) ?? "no code"))")
            case .frame(let text):
                guard let actual = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
                    throw failure(step, "expected \(pattern)\n  actual (not JSON): \(text)")
                }
                if let why = bindings.match(pattern, actual, at: "frame") {
                    throw failure(step, "\(why)\n  expected: \(pattern)\n  actual:   \(actual)")
                }
                record(step.user, "received", text)
            }
        case .closed(let code):
            guard let c = connections[step.user] else { throw failure(step, "not connected") }
            switch await c.queue.next(seconds: Self.deadlineSeconds) {
            case .timedOut:
                throw failure(step, "expected close \(code)\n  actual: still open after \(Self.deadlineSeconds) s")
            case .frame(let text):
                throw failure(step, "expected close \(code)\n  actual: frame \(text)")
            case .ended:
                let closed = await c.conn.closed()
                connections[step.user] = nil
                guard closed.code == code else {
                    throw failure(step, "expected close \(code)\n  actual: close \(closed.code.map(String.init) ?? "without code") \(closed.reason ?? "")")
                }
            }
        }
    }
}
