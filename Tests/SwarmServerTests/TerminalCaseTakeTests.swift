import Foundation
import SwarmProtocol
import Testing

/// Picking up work in the real terminal client (tmux) against a live server: the list of cases
/// that are mine or nobody's, taking one, renaming it.
@Suite("Terminal client: picking up cases (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalCaseTakeTests {
    @Test("/case list shows mine and unassigned; /case take, /case rename; someone else's case is refused")
    func pickUpWork() async throws {
        try await withServer { server in
            let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
            let aliceToken = try await server.user("alice", role: .agent)
            let bob = try await TestClient.connect(url: server.url, token: try await server.user("bob", role: .agent))
            _ = try await lead.createChannel("support", members: ["alice", "bob"])
            let (_, botToken) = try await server.store.createBot(name: "wa-bot", scopes: ["case.interaction"], channels: ["support*"])
            let bot = try await TestClient.connect(url: server.url, token: botToken)
            // A bot's contact opens a new, unowned case, titled on a word boundary.
            let text = "Hello, I ordered a pair of shoes on the twelfth and the refund for order 5512 never arrived on my card"
            let contact = try await bot.request(.caseInteraction, InteractionRequest(identity: Identity(channel: .whatsapp, handle: "+39 333 1234567"),
                                                                                     channel: .whatsapp, direction: .inbound, text: text), as: InteractionReply.self)
            let free = try await bob.request(.caseGet, CaseRef(caseId: contact.caseId), as: Case.self)
            #expect(free.status == .new && free.owner == nil)
            #expect(free.title == "Hello, I ordered a pair of shoes on the twelfth and the refund for order 5512…")
            let bobs = try await bob.request(.caseOpen, CaseOpenRequest(title: "Broken zipper", identity: Identity(channel: .email, handle: "zed@example.com"), channel: "#support"), as: Case.self)

            let client = try SwarmInTmux(url: server.url, token: aliceToken, width: 160, height: 40)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try await tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains("#support") }
                try tmux.type("/case list")
                let listed = try await tmux.waitFor("the unassigned case in the list") { $0.contains("\(contact.caseId) [new, normal] Hello, I ordered") }
                #expect(listed.contains("unassigned") && !listed.contains("\(bobs.id) [open"), "bob's case is not alice's to pick up")

                try tmux.type("/case take \(contact.caseId)")
                try await tmux.waitFor("the taken case") { $0.contains("took \(contact.caseId) [open, normal]") && $0.contains("@alice") }
                let taken = try await bob.request(.caseGet, CaseRef(caseId: contact.caseId), as: Case.self)
                #expect(taken.owner != nil && taken.ownerName == "alice" && taken.status == .open)

                try tmux.type("/case rename \(contact.caseId) Refund for order 5512 never arrived")
                try await tmux.waitFor("the renamed case") { $0.contains("renamed \(contact.caseId) [open, normal] Refund for order 5512 never arrived") }
                #expect(try await bob.request(.caseGet, CaseRef(caseId: contact.caseId), as: Case.self).title == "Refund for order 5512 never arrived")

                try tmux.type("/case take \(bobs.id)")
                try await tmux.waitFor("the refusal") { $0.contains("/case: the case belongs to @bob; ask them to hand it off") }
                try tmux.type("/case list all")
                try await tmux.waitFor("everyone's cases") { $0.contains("\(bobs.id) [open, normal] Broken zipper") }

                try tmux.type("/help case")
                try await tmux.waitFor("the list filters in /help case") { $0.contains("mine|unassigned|all|@user") && $0.contains("/case take") }
                try tmux.type("/quit")
            }
        }
    }
}
