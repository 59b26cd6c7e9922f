import Foundation
import SwarmProtocol
import Testing

/// The knowledge base in the real terminal client (tmux): results appear while typing
/// `/kb search …`, an article opens as a page, and `/kb share` posts it into the open case thread.
@Suite("Terminal client: knowledge base (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalKBTests {
    @Test("search as you type, article view, share into the case thread, solved")
    func kbInTheTerminal() async throws {
        try await withServer { server in
            let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
            let aliceToken = try await server.user("alice", role: .agent)
            _ = try await lead.createChannel("support", members: ["alice"])
            let article = try await lead.request(.kbCreate, KBCreateRequest(title: "Refund to the original card", body: "Refunds reach the card used for the order within 5 business days.",
                                                                            tags: ["refund"]), as: Article.self)
            _ = try await lead.request(.kbState, KBStateRequest(article: article.id, state: .approved), as: Article.self)
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Where is my refund", identity: Identity(channel: .email, handle: "m@example.com"), channel: "#support"),
                                           as: Case.self)
            let client = try SwarmInTmux(url: server.url, token: aliceToken, width: 160, height: 40)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains("#support") }

            // Results while typing, before Enter.
            try tmux.type("/kb search refu", enter: false)
            // Highlights are drawn bold: the markers never reach the screen.
            try await tmux.waitFor("live results") { $0.contains("KB: 1 match") && $0.contains("\(article.id) Refund to the original card") && !$0.contains("**") }
            try tmux.press("C-u")
            try await tmux.waitFor("the live results to close") { !$0.contains("KB: 1 match") }

            // The article as a page.
            try tmux.type("/kb show \(article.id)")
            try await tmux.waitFor("the article view") { $0.contains("── \(article.id) v1 [approved, internal, en]: Refund to the original card") && $0.contains("5 business days") }

            // Into the case thread: open it, share, mark solved.
            try tmux.type("/case join \(c.id)")
            try await tmux.waitFor("the case thread") { $0.contains("\(c.id) open normal · SLA") }
            try tmux.type("/kb share \(article.id) this should do it")
            let shared = try await lead.event("message.new") { $0.data?["card"]?["type"]?.string == "kb" }
            #expect(shared.data?["thread"]?.string == c.thread)
            try await tmux.waitFor("the shared card in the thread") { $0.contains("📖 \(article.id) v1: Refund to the original card — this should do it") }
            try tmux.type("/kb solved \(article.id)")
            try await tmux.waitFor("solved") { $0.contains("\(article.id) solved \(c.id) (solved 1 cases)") }
            try tmux.type("/quit")
        }
    }
}
