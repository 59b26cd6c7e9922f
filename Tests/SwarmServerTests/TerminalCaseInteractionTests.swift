import Foundation
import SwarmProtocol
import Testing

/// Logging a contact made outside Swarm from the real terminal client (tmux): a reply given by
/// phone becomes an interaction card in the case thread and the case's first response.
@Suite("Terminal client: /case interaction (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalCaseInteractionTests {
    @Test("/case interaction records a phone reply on the open case; bad usage says how")
    func logPhoneReply() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 150, height: 36)
            defer { client.close() }
            let opened = try await bob.request(.caseOpen, CaseOpenRequest(title: "Refund for order 5512", identity: Identity(channel: .email, handle: "ana@example.com"),
                                                                          channel: "#support"), as: Case.self)
            let tmux = client.tmux
            try await tmux.showingScreen {
                try tmux.type("/case join \(opened.id)")
                try await tmux.waitFor("the case thread") { $0.contains("\(opened.id) open normal · SLA") }
                try tmux.type("/case interaction phone Called back: the refund left on Monday")
                try await tmux.waitFor("the confirmation") { $0.contains("recorded outbound phone contact on \(opened.id)") }
                try await tmux.waitFor("the card in the thread") { $0.contains("[phone →] alice: Called back: the refund left on Monday") }
                let card = try await bob.event("message.new") { $0.data?["card"]?["type"]?.string == "interaction" }
                #expect(card.data?["card"]?["direction"]?.string == "outbound")
                let after = try await bob.request(.caseGet, CaseRef(caseId: opened.id), as: Case.self)
                #expect(after.sla.firstResponseAt != nil && after.sla.state == "met", "a reply by phone is the first response")

                try tmux.type("/case interaction \(opened.id) email in She wrote back to say thanks")
                try await tmux.waitFor("an inbound mail") { $0.contains("recorded inbound email contact on \(opened.id)") }
                try tmux.type("/case interaction pigeon hello")
                try await tmux.waitFor("the usage") { $0.contains("usage: /case interaction [CS12] phone|email") }
            }
            await bob.close()
        }
    }
}
