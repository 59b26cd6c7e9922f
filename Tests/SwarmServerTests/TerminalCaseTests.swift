import Foundation
import SwarmProtocol
import Testing

/// Case work in the real terminal client (tmux), against a live server: open a case from the
/// input line, record a fact, hand it off, get hand-offs and swarm invites as notifications, and
/// read the brief page.
@Suite("Terminal client: case work (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalCaseTests {
    @Test("open a case, note a fact, hand it off, be notified of a hand-back and a swarm invite, read the brief")
    func caseWorkInTheTerminal() async throws {
        try await withServer { server in
            let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
            let aliceToken = try await server.user("alice", role: .agent, skills: ["billing"])
            let bob = try await TestClient.connect(url: server.url, token: try await server.user("bob", role: .agent, skills: ["returns"]))
            _ = try await lead.createChannel("support", members: ["alice", "bob"])
            let client = try SwarmInTmux(url: server.url, token: aliceToken, width: 160, height: 50)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains("#support") }

            // Open a case in the current channel; the client opens its thread and shows the SLA.
            try tmux.type("/join #support")
            try await tmux.waitFor("the #support prompt") { $0.contains("#support>") }
            try tmux.type("/case open email:maria@example.com Refund for order 5512 missing")
            try await tmux.waitFor("the opened case") { $0.contains("opened CS1") && $0.contains("CS1 open normal · SLA due in") }

            // Lines typed in the case thread are thread replies; facts and hand-offs by command.
            try tmux.type("/case fact order_number 5512")
            try await tmux.waitFor("the fact") { $0.contains("noted order_number = 5512") }
            try tmux.type("/case handoff @bob Refund approved by finance, please confirm with the customer.")
            let handed = try await tmux.showingScreen { try await bob.event("case.handoff") }
            // The event names the hand-off; bob reads the brief himself (filtered for him).
            #expect(try handed.decode(HandoffEvent.self).handoff.caseId == "CS1")
            let brief = try await bob.request(.caseBrief, CaseBriefRequest(caseId: "CS1"), as: CaseBrief.self)
            #expect(brief.facts.map(\.key) == ["order_number"])
            #expect(brief.handoffs.last?.note == "Refund approved by finance, please confirm with the customer.")
            try await tmux.waitFor("the hand-off confirmation") { $0.contains("handed CS1 to @bob") }

            // Bob hands it back and invites alice to swarm on it: both arrive as notifications.
            _ = try await bob.request(.caseHandoff, CaseHandoffRequest(caseId: "CS1", to: "@alice", note: "Customer wants a call back in Italian, over to you."))
            try await tmux.waitFor("the hand-back notification") { $0.contains("bob handed CS1 “Refund for order 5512 missing” to you") }
            _ = try await bob.request(.caseSwarm, CaseSwarmRequest(caseId: "CS1", users: ["alice"], message: "can you check the billing side?"))
            try await tmux.waitFor("the swarm invite") { $0.contains("bob asks you to swarm on CS1") }

            // The brief as a page.
            try tmux.type("/case brief")
            try await tmux.waitFor("the brief page") {
                $0.contains("── Brief CS1") && $0.contains("order_number: 5512") && $0.contains("Hand-off notes:")
                    && $0.contains("@bob → @alice: Customer wants a call back in Italian")
            }
            try tmux.type("/quit")
        }
    }
}
