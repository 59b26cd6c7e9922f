@testable import SwarmServer
import Foundation
import GRDB
import Synchronization
import SwarmProtocol
import Testing

/// Seeded, bounded fuzzing below JSON: hundreds of raw connections that break the WebSocket or
/// HTTP rules (unmasked frames, reserved bits and opcodes, broken fragments, oversized and bad
/// control frames, invalid UTF-8, lengths over the hard limit, frames that never end, junk
/// instead of an upgrade, clients that ignore the close or vanish mid-frame), each checked for
/// the outcome PROTOCOL §2, §9 and §20 document, while a well-behaved pair of users chats beside
/// them. Afterwards the server is alive, every socket is released, nothing stored before is
/// lost and nothing sent in or after a hostile frame was executed.
/// `scripts/fuzz.sh --raw-cases N --seed S` runs the same test longer.
@Suite("Raw-frame fuzz")
struct RawFrameFuzzTests {
    static var cases: Int { Int(ProcessInfo.processInfo.environment["SWARM_RAW_FUZZ_CASES"] ?? "") ?? 400 }
    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["SWARM_FUZZ_SEED"] ?? "") ?? 20261205 }
    /// Connections at once: enough to overlap the cases that wait out a timeout.
    static let workers = 24

    /// Longer than `.hangGuard`: scripts/fuzz.sh runs many more cases through this test.
    @Test("hostile raw frames: documented close codes, nothing executed after a close, every socket released, chat beside unaffected",
          .timeLimit(.minutes(60)))
    func rawFrames() async throws {
        let (maxFrame, hardFrame) = (8192, 32768)
        try await withServer(configure: {
            $0.maxFrameBytes = maxFrame
            $0.hardFrameBytes = hardFrame
            $0.opsPerSecond = 1_000_000
            $0.opsBurst = 1_000_000
            // Short timeouts, so the cases that wait for one stay cheap.
            $0.helloTimeoutSeconds = 3
            $0.closeTimeoutSeconds = 1
            // Long enough that the well-behaved pair chatting beside the fuzz answers every ping in
            // time while the whole suite loads both cores (at 3 s alice was cut with 1001 now and
            // then); the cases that wait for the ping timeout take up to twice this.
            $0.pingIntervalSeconds = 8
            $0.headerTimeoutSeconds = 2
            $0.httpIdleTimeoutSeconds = 2
            // The caps have their own tests; here they would only refuse the fuzz's own sockets.
            $0.maxConnectionsWithoutHelloPerAddress = 100_000
            $0.maxConnectionsWithoutHello = 100_000
        }) { server in
            let started = ContinuousClock.now
            let alice = try await server.client("alice")
            let carol = try await server.client("carol", role: .lead)
            let calm = try await alice.createChannel("calm", kind: .private, members: ["carol"])
            for i in 1...10 { _ = try await alice.post(calm.id, "kept \(i)") }
            var tokens: [String] = []
            for i in 1...4 { tokens.append(try await server.user("raw\(i)")) }
            let target = try await alice.createChannel("rawfuzz", members: (1...4).map { "raw\($0)" })
            let before = try await server.storedMessages()
            let baseline = (sockets: server.server.core.gate.openCount, sessions: server.server.connectionCount)

            var generator = RawFrames(seed: Self.seed, maxFrameBytes: maxFrame, hardFrameBytes: hardFrame, channel: target.id)
            let plan = (0..<Self.cases).map { generator.next($0) }
            let runner = RawFuzzRunner(port: server.server.port, tokens: tokens, channel: target.id, config: server.config)

            // Meanwhile alice keeps posting into #calm, and carol sees each post before the next.
            let done = Done()
            let chat = Task {
                var ids: [String] = []
                while !done.value || ids.count < 50 {
                    let id = try await alice.post(calm.id, "calm \(ids.count)", key: "calm-\(ids.count)").id
                    try await carol.event("message.new", seconds: 30) { $0.data?["id"]?.string == id }
                    ids.append(id)
                }
                return ids
            }
            let result = await withTaskGroup(of: RawFuzzRunner.Result.self) { group in
                for w in 0..<Self.workers {
                    let mine = plan.enumerated().filter { $0.offset % Self.workers == w }.map(\.element)
                    group.addTask {
                        var total = RawFuzzRunner.Result()
                        for c in mine { total.merge(await runner.run(c)) }
                        return total
                    }
                }
                var all = RawFuzzRunner.Result()
                for await r in group { all.merge(r) }
                return all
            }
            done.set()
            let posted = try await chat.value

            #expect(result.problems.isEmpty, "\(result.problems.count) problems:\n\(result.problems.prefix(20).joined(separator: "\n"))")
            // Every socket and session of the fuzz is released (the server may take a moment after the client saw the cut).
            try await waitFor("sockets back to \(baseline)", seconds: 10) {
                server.server.core.gate.openCount == baseline.sockets && server.server.connectionCount == baseline.sessions
            }
            let health = try await Self.healthz(server.server.port)
            #expect(health.hasPrefix("HTTP/1.1 200") && health.hasSuffix("ok\n"), "\(health)")

            let lastBefore = before.last.flatMap { Int64($0.prefix { $0 != " " }) } ?? 0
            let after = try await server.storedMessages(upTo: lastBefore)
            #expect(after == before, "messages stored before the fuzzing changed or went missing")
            let bodies = try await server.store.backend.read { db in try db.fetchAll(String.self, "SELECT body FROM messages WHERE body LIKE 'raw-%'") }
            let stored = Set(bodies)
            let executed = result.forbidden.filter(stored.contains)
            #expect(executed.isEmpty, "\(executed.count) posts sent in or after a hostile frame were stored: \(executed.prefix(10))")
            let lost = result.acked.filter { !stored.contains($0) }
            #expect(lost.isEmpty, "\(lost.count) acknowledged posts are missing: \(lost.prefix(10))")

            let took = (ContinuousClock.now - started).components
            let seconds = Double(took.seconds) + Double(took.attoseconds) / 1e18
            print("raw fuzz: seed \(Self.seed), \(Self.cases) connections, \(result.writes) writes, \(result.acked.count) posts acknowledged, "
                  + "\(result.forbidden.count) hostile posts (none stored: \(executed.isEmpty)), \(posted.count) chat posts delivered, "
                  + "\(result.problems.count) problems, \(String(format: "%.1f", seconds)) s; outcomes: "
                  + result.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
    }

    /// `GET /healthz` on a socket of its own that the server closes after answering, so no
    /// pooled connection is left open.
    static func healthz(_ port: Int) async throws -> String {
        let raw = try await RawWebSocket.connect(port: port, handshake: false)
        try await raw.sendRawBytes(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        try await raw.waitForEOF(seconds: 10)
        let text = await raw.receivedText()
        await raw.close()
        return text
    }
}

/// Set once the fuzzing is over.
final class Done: Sendable {
    private let flag = Atomic<Bool>(false)
    var value: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
