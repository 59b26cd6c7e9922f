import Foundation
import SwarmProtocol
import SwarmServer
import SwarmStore
import Testing

/// SLA alerts with two nodes on one PostgreSQL database: every node runs the scheduler, yet each
/// warning and breach fires once. Both nodes are in this process (one clock the test moves) on
/// the same database; their passes are started together (whether they overlap is up to the
/// scheduler of the machine: what is checked is that no node fires what the other already did).
@Suite("SLA alerts with two nodes", .hangGuard, .enabled(if: !TestBackend.isSQLite, "two nodes share a PostgreSQL database"))
struct NodesSLATests {
    @Test("scheduler passes on two nodes fire each alert once; a member on the other node gets it")
    func onceAcrossNodes() async throws {
        let clock = ManualClock(SLAFlowTests.t0)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-nodes-sla-\(UUID().uuidString)")
        let toml = SLAFlowTests.quick
        let a = try await SLAFlowTests.start(clock, toml: toml, directory: dir)
        // Same directory, so the same database (TestServer names it after the directory).
        let b = try await SLAFlowTests.start(clock, toml: toml, directory: dir)
        defer { Task { await b.server.stop(); await a.stop() } }
        let lead = try await a.client("lena", role: .lead)
        let anna = try await a.client("anna")
        let bob = try await b.client("bob")
        let (botUser, botToken) = try await a.store.createBot(name: "x-bot", scopes: ["case.interaction"], channels: ["support"])
        let bot = try await TestClient.connect(url: a.url, token: botToken)
        _ = try await lead.createChannel("support", members: [anna.userId, bob.userId, botUser.id])
        let opened = try await bot.request(.caseInteraction, SLAFlowTests.contact("Your app charged me twice!", at: SLAFlowTests.at(0), id: "x-1"),
                                           as: InteractionReply.self)

        // Past the warning and the deadline: both nodes' passes at once, several times.
        clock.set(SLAFlowTests.at(20))
        var fired = 0
        for _ in 0..<3 {
            async let onA = a.server.runSLAPass()
            async let onB = b.server.runSLAPass()
            fired += try await onA + onB
        }
        // The scheduler's own pass (woken by the interaction above) may run after the clock moved and
        // fire some of them first, on a loaded machine: the passes here fire at most the two, and
        // the store shows each fired and logged exactly once, whoever fired it.
        #expect(fired <= 2, "warning and breach, at most once each over both nodes (fired \(fired))")
        // bob is on node B: the breach committed by whichever node reaches him (waited for first,
        // so a pass of the scheduler's own that is still committing has finished).
        let breach = try await bob.event("sla.breached")
        #expect(breach.data?["case"]?["id"]?.string == opened.caseId)
        #expect(try await SLAFlowTests.fired(a) == ["first_response/warning", "first_response/breach"])
        #expect(try await SLAFlowTests.loggedAlerts(a) == 2, "one logged event per alert")
        await bot.close()
    }
}
