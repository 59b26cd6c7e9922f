import Foundation
import SwarmProtocol
import Testing

/// Marking questions and answers in the real terminal client (tmux) against a live server.
@Suite("Terminal client: question and answer marks (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalMarkTests {
    @Test("/mark question and /mark answer pick the messages of the open thread; the brief and /kb capture see them")
    func marks() async throws {
        try await withServer { server in
            let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
            let aliceToken = try await server.user("alice", role: .agent)
            _ = try await lead.createChannel("support", members: ["alice"])
            let opened = try await lead.request(.caseOpen, CaseOpenRequest(title: "Expired voucher", identity: Identity(channel: .email, handle: "ana@example.com"), channel: "#support"), as: Case.self)

            let client = try SwarmInTmux(url: server.url, token: aliceToken, width: 160, height: 40)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try await tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains("#support") }
                try tmux.type("/thread \(opened.thread)")
                try await tmux.waitFor("the case thread") { $0.contains("Case \(opened.id): Expired voucher") }
                let question = try await lead.post(opened.channel, "Can a customer reuse an expired voucher?", thread: opened.thread)
                try await tmux.waitFor("the question") { $0.contains("Can a customer reuse an expired voucher?") }
                try tmux.type("/mark question")
                try await tmux.waitFor("the marked question") { $0.contains("marked \(question.id) as a question") }
                try tmux.type("/case brief \(opened.id)")
                try await tmux.waitFor("the open question in the brief") { $0.contains("Open questions:") && $0.contains("\(question.id) lena: Can a customer reuse") }

                try tmux.type("Yes, within 30 days of expiry through the voucher desk.")
                try await tmux.waitFor("the answer posted") { $0.contains("voucher desk.") && !$0.contains("(sending)") }
                try tmux.type("/mark answer")
                try await tmux.waitFor("the marked answer") { $0.contains("as the answer to \(question.id)") }
                try tmux.type("/kb capture Reusing expired vouchers")
                try await tmux.waitFor("the captured draft") { $0.contains("captured draft KB1: Reusing expired vouchers") }
                try tmux.type("/quit")
            }
        }
    }
}
