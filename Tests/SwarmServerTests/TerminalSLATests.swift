import Foundation
import SwarmProtocol
import Testing

/// The SLA in the real terminal client (tmux): `/case show` prints the clocks, the open case's
/// countdown is on the status line, and warnings and breaches notify like mentions.
@Suite("Terminal client: SLA countdown and alerts (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalSLATests {
    @Test("the case's clocks in /case show, the countdown on the status line, a warning and a breach as notifications")
    func countdownAndAlerts() async throws {
        // Near the real time, so the client's own countdown agrees with the server's clock.
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let clock = ManualClock(start)
        let server = try await SLAFlowTests.start(clock, toml: SLAFlowTests.quick)
        let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
        let annaToken = try await server.user("anna", role: .agent)
        let (botUser, botToken) = try await server.store.createBot(name: "x-bot", scopes: ["case.interaction"], channels: ["support"])
        let bot = try await TestClient.connect(url: server.url, token: botToken)
        _ = try await lead.createChannel("support", members: ["anna", botUser.id])
        let opened = try await bot.request(.caseInteraction, SLAFlowTests.contact("Charged twice!", at: start, id: "x-1"), as: InteractionReply.self)
        let annaAPI = try await TestClient.connect(url: server.url, token: annaToken)
        _ = try await annaAPI.request(.caseUpdate, CaseUpdateRequest(caseId: opened.caseId, owner: "me"), as: Case.self)
        await annaAPI.close()

        let anna = try SwarmInTmux(url: server.url, token: annaToken, width: 140, height: 30)
        defer { anna.close() }
        let tmux = anna.tmux
        try await tmux.showingScreen {
            try await tmux.waitFor("the client to open #support") { $0.contains("live") && $0.contains("#support>") }
            try tmux.type("/case show \(opened.caseId)")
            try await tmux.waitFor("the clocks") { $0.contains("SLA policy: quick") && $0.contains("first response: running, due") }
            try tmux.type("/thread \(opened.thread)")
            try await tmux.waitFor("the countdown on the status line") { $0.contains("open normal · SLA due in 1") }
            SLAFlowTests.tick(server, clock, to: start.addingTimeInterval(12 * 60))
            try await tmux.waitFor("the warning") { $0.contains("★ SLA warning: \(opened.caseId)") }
            try await tmux.waitFor("the bell") { _ in tmux.bells >= 1 }
            SLAFlowTests.tick(server, clock, to: start.addingTimeInterval(15 * 60))
            try await tmux.waitFor("the breach") { $0.contains("★ SLA breached: \(opened.caseId)") }
            try await tmux.waitFor("the status line says breached") { $0.contains("open normal · SLA breached") }
        }
        await lead.close()
        await bot.close()
        await server.stop()
    }
}
