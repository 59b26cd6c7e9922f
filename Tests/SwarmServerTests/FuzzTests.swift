import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import SwarmClient
import SwarmProtocol
import Testing

/// Seeded, bounded fuzzing over real sockets: thousands of hostile frames from several
/// connections while a well-behaved pair of users chats beside them. Every frame gets exactly one
/// answer, none is `internal`, the server stays up, the chat is unaffected and nothing stored
/// before is lost. `scripts/fuzz.sh --frames N --seed S` runs the same test longer.
@Suite("Fuzz")
struct FuzzTests {
    static var frames: Int { Int(ProcessInfo.processInfo.environment["SWARM_FUZZ_FRAMES"] ?? "") ?? 5000 }
    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["SWARM_FUZZ_SEED"] ?? "") ?? 20261205 }

    /// What one fuzzing connection saw.
    struct Tally: Sendable {
        var sent = 0
        var replies = 0
        var noRe = 0
        var outcomes: [String: Int] = [:]
        var problems: [String] = []
    }

    /// Longer than `.hangGuard`: scripts/fuzz.sh runs 100,000 frames through this test.
    @Test("hostile frames: one answer each, never internal, server alive, chat beside it unaffected, nothing stored lost", .timeLimit(.minutes(60)))
    func fuzz() async throws {
        let maxFrame = 8192
        try await withServer(configure: {
            $0.maxFrameBytes = maxFrame
            $0.opsPerSecond = 1_000_000
            $0.opsBurst = 1_000_000
            $0.outboundQueueFrames = 1 << 16
            $0.helloTimeoutSeconds = 3600
        }) { server in
            let started = ContinuousClock.now
            let alice = try await server.client("alice")
            let carol = try await server.client("carol", role: .lead)
            let calm = try await alice.createChannel("calm", kind: .private, members: ["carol"])
            _ = try await alice.createChannel("general")
            var kept: [Message] = []
            for i in 1...20 { kept.append(try await alice.post(calm.id, "kept \(i)")) }
            let root = kept[0]
            let bobToken = try await server.user("bob")
            let erinToken = try await server.user("erin", role: .marketing)
            let (_, botToken) = try await server.store.createBot(name: "fuzz-bot", scopes: ["case.interaction", "message.post", "kb.search"], channels: ["support*"])
            let before = try await server.storedMessages()

            var generator = try FuzzFrames(seed: Self.seed, examples: BotTools.repoRoot.appendingPathComponent("protocol/examples"), maxFrameBytes: maxFrame)
            generator.targets = [calm.id, "#calm", root.id, kept[5].id, alice.userId, carol.userId]
            // Four fuzzers: three users of different kinds after hello, one that never says hello.
            var fuzzers: [(SwarmConnection, Bool)] = []
            for token in [bobToken, erinToken, botToken] {
                fuzzers.append((try await SwarmConnection.connect(url: server.url, hello: HelloRequest(token: token, client: "fuzz")), true))
            }
            fuzzers.append((try await SwarmConnection.connect(url: server.url, hello: nil), false))
            var plans: [[FuzzFrame]] = Array(repeating: [], count: fuzzers.count)
            for i in 0..<Self.frames { plans[i % fuzzers.count].append(generator.next(authenticated: fuzzers[i % fuzzers.count].1)) }

            // Meanwhile alice posts into #calm and carol must see every post.
            let chat = Task {
                var ids: [String] = []
                for i in 0..<100 { ids.append(try await alice.post(calm.id, "calm \(i)", key: "calm-\(i)").id) }
                return ids
            }
            let tallies = try await withThrowingTaskGroup(of: Tally.self) { group in
                for (i, (conn, _)) in fuzzers.enumerated() {
                    let plan = plans[i]
                    group.addTask { try await Self.run(plan, on: conn) }
                }
                var all: [Tally] = []
                for try await t in group { all.append(t) }
                return all
            }
            let posted = try await chat.value
            for id in posted { try await carol.event("message.new", seconds: 30) { $0.data?["id"]?.string == id } }

            // Wrong, revoked, empty and oversized tokens on fresh sockets: refused, never internal.
            let (_, revoked) = try await server.store.createUser(name: "mallory", role: .agent)
            _ = try await server.store.revokeTokens(user: "mallory")
            for (i, token) in [revoked, "swt_nope", "", String(repeating: "t", count: 5000), bobToken + " "].enumerated() {
                let conn = try await SwarmConnection.connect(url: server.url, hello: nil)
                let reply = try await conn.send(Op.hello.rawValue, HelloRequest(token: token, client: "fuzz-\(i)"))
                #expect(reply.error?.code == .unauthorized, "token \(i): \(String(describing: reply.error))")
                await conn.close()
            }

            let total = tallies.reduce(into: Tally()) { t, x in
                t.sent += x.sent; t.replies += x.replies; t.noRe += x.noRe; t.problems += x.problems
                t.outcomes.merge(x.outcomes, uniquingKeysWith: +)
            }
            #expect(total.problems.count == 0, "\(total.problems.count) problems, first: \(total.problems.prefix(5).joined(separator: "\n"))")
            #expect(total.sent == Self.frames)
            let (status, _) = try await Self.get(server.server.port, "/healthz")
            #expect(status == 200)
            let lastBefore = before.last.flatMap { Int64($0.prefix { $0 != " " }) } ?? 0
            let after = try await server.storedMessages(upTo: lastBefore)
            #expect(after == before, "messages stored before the fuzzing changed or went missing")
            let history = try await alice.request(.history, HistoryRequest(channel: calm.id, limit: 200), as: HistoryReply.self)
            #expect(history.messages.map(\.id) == kept.map(\.id) + posted)
            for (conn, _) in fuzzers { await conn.close() }
            let seconds = (ContinuousClock.now - started).components.seconds
            print("fuzz: seed \(Self.seed), \(total.sent) frames, \(total.replies) replies with re, \(total.noRe) error frames without re, \(total.problems.count) problems, \(seconds) s; answers: \(total.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        }
    }

    /// Sends a plan on one connection, then a final ping; since a connection's requests are
    /// answered in order, every answer has arrived when the ping's reply does.
    static func run(_ plan: [FuzzFrame], on conn: SwarmConnection) async throws -> Tally {
        var tally = Tally()
        let frames = Task { () -> (frames: [ServerFrame], ended: Bool) in
            var got: [ServerFrame] = []
            for await frame in conn.events where !frame.isEvent {
                if frame.re == "end" { return (got, true) }
                got.append(frame)
            }
            return (got, false)
        }
        var expected: [String: FuzzFrame.Answer] = [:]
        var sentText: [String: String] = [:]
        var mustLackRe = 0
        for frame in plan {
            switch frame.body {
            case .text(let text): try await conn.sendRaw(text)
            case .binary(let bytes): try await conn.sendBinary(bytes)
            }
            tally.sent += 1
            switch frame.answer {
            case .reply(let id), .either(let id):
                expected[id] = frame.answer
                if case .text(let text) = frame.body { sentText[id] = String(text.prefix(300)) }
            case .noRe: mustLackRe += 1
            }
        }
        try await conn.sendRaw(#"{"id":"end","op":"ping","data":{}}"#)
        let deadline = Task {
            try await Task.sleep(for: .seconds(120 + plan.count / 100))
            frames.cancel()
        }
        let (got, ended) = await frames.value
        deadline.cancel()
        if !ended { tally.problems.append("the connection ended early: \(await conn.closed())") }
        var answered: Set<String> = []
        for frame in got {
            tally.outcomes[frame.error?.code.rawValue ?? "ok", default: 0] += 1
            if frame.error?.code == .internal {
                tally.problems.append("internal for \(frame.re.flatMap { sentText[$0] } ?? "a frame without id")")
            }
            guard let re = frame.re else { tally.noRe += 1; continue }
            tally.replies += 1
            if expected[re] == nil { tally.problems.append("reply to unknown id \(re)") }
            if !answered.insert(re).inserted { tally.problems.append("two replies for \(re)") }
        }
        let eitherUnanswered = expected.filter { $0.value != .reply($0.key) && !answered.contains($0.key) }.count
        for (id, answer) in expected where answer == .reply(id) && !answered.contains(id) {
            tally.problems.append("no reply for \(sentText[id] ?? id)")
        }
        if tally.noRe != mustLackRe + eitherUnanswered {
            tally.problems.append("\(tally.noRe) answers without re, expected \(mustLackRe + eitherUnanswered)")
        }
        return tally
    }

    static func get(_ port: Int, _ path: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
