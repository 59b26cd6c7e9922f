import Foundation
import SwarmProtocol
import SwarmServer
import Testing

/// Replying to a customer from the real terminal client (tmux): `/case reply` checks the draft
/// with `reply.check` first and, when the tone rules find something, shows the findings and asks
/// "send anyway? y/N" before recording it; `/case redirect` records a redirect.
@Suite("Terminal client: /case reply and /case redirect (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalCareTests {
    @Test("findings hold the reply until a yes; no gives the line back; a clean reply and a redirect go straight out")
    func checkBeforeSend() async throws {
        try await withServer(configure: { $0.toneForbiddenPhrases = ["*:as I said"] }) { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 150, height: 36)
            defer { client.close() }
            let opened = try await bob.request(.caseOpen, CaseOpenRequest(title: "Refund for order 5512", identity: Identity(channel: .whatsapp, handle: "+39 333 1234567"),
                                                                          channel: "#support", sourceChannel: .whatsapp), as: Case.self)
            let tmux = client.tmux
            func outbound() async throws -> [TimelineEntry] {
                try await bob.request(.customerTimeline, CustomerTimelineRequest(customer: opened.customer), as: TimelinePage.self).entries
                    .filter { $0.kind == "interaction" && $0.direction == .outbound }
            }
            try await tmux.showingScreen {
                try tmux.type("/case join \(opened.id)")
                try await tmux.waitFor("the case thread") { $0.contains("\(opened.id) open normal · SLA") }

                try tmux.type("/case reply As I said, the refund left on Monday")
                try await tmux.waitFor("the findings and the question") {
                    $0.contains("Tone check (en): 1 finding") && $0.contains("forbidden_phrase: avoid \"as I said\" «As I said»")
                        && $0.contains("send anyway? y/N")
                }
                try tmux.press("n")
                try await tmux.waitFor("the line given back") { $0.contains("not sent") && $0.contains("/case reply As I said, the refund left on Monday") }
                #expect(try await outbound().isEmpty, "nothing is recorded on no")

                // Enter sends the given-back line again: checked again, and this time a yes.
                try tmux.press("Enter")
                try await tmux.waitFor("the question again") { $0.contains("send anyway? y/N") }
                try tmux.press("y")
                try await tmux.waitFor("the confirmation") { $0.contains("sent the reply on \(opened.id) (whatsapp)") }
                let card = try await bob.event("message.new") { $0.data?["card"]?["type"]?.string == "interaction" }
                #expect(card.data?["card"]?["direction"]?.string == "outbound" && card.data?["card"]?["channel"]?.string == "whatsapp")
                #expect(try await outbound().map(\.text) == ["As I said, the refund left on Monday"])

                try tmux.type("/case reply The refund left on Monday, it takes three days")
                try await tmux.waitFor("a clean reply sent at once") { $0.contains("sent the reply on \(opened.id)") && !$0.contains("send anyway") }
                _ = try await bob.event("message.new") { $0.data?["card"]?["type"]?.string == "interaction" }

                try tmux.type("/case redirect phone Please call us on the number on your invoice")
                try await tmux.waitFor("the redirect") { $0.contains("redirected \(opened.id) to phone") }
                let redirect = try await bob.event("message.new") { $0.data?["card"]?["redirect_to"]?.string == "phone" }
                #expect(redirect.data?["body"]?.string?.contains("↪ redirected to phone") == true)
                try await tmux.waitFor("the redirect card in the thread") { $0.contains("↪ redirected to phone") }

                try tmux.type("/case redirect pigeon hello")
                try await tmux.waitFor("the usage") { $0.contains("usage: /case redirect [CS12] twitter|") }
            }
            await bob.close()
        }
    }

    @Test("a reply on a public case goes out in public from the brand account the customer reached; a private case's reply stays private")
    func replyFollowsTheContact() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 150, height: 36)
            defer { client.close() }
            let post = try await bob.request(.caseOpen, CaseOpenRequest(title: "App down since this morning", identity: Identity(channel: .twitter, handle: "@marta_r"),
                                                                        channel: "#support", sourceChannel: .twitter, isPublic: true, account: "@acme_care"), as: Case.self)
            let dm = try await bob.request(.caseOpen, CaseOpenRequest(title: "Card charged twice", identity: Identity(channel: .twitter, handle: "@luca_b"),
                                                                      channel: "#support", sourceChannel: .twitter, isPublic: false, account: "@acme"), as: Case.self)
            func outbound(_ c: Case) async throws -> [TimelineEntry] {
                try await bob.request(.customerTimeline, CustomerTimelineRequest(customer: c.customer), as: TimelinePage.self).entries
                    .filter { $0.kind == "interaction" && $0.direction == .outbound }
            }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try tmux.type("/case reply \(post.id) We are on it, the app is back within the hour")
                try await tmux.waitFor("the public reply") { $0.contains("sent the reply on \(post.id) (twitter, public, from @acme_care)") }
                let sent = try #require(try await outbound(post).first)
                #expect(sent.isPublic == true && sent.account == "@acme_care", "\(sent)")

                try tmux.type("/case reply \(dm.id) The second charge is refunded today")
                try await tmux.waitFor("the private reply") { $0.contains("sent the reply on \(dm.id) (twitter, from @acme)") }
                let dmSent = try #require(try await outbound(dm).first)
                #expect(dmSent.isPublic != true && dmSent.account == "@acme", "\(dmSent)")
            }
            await bob.close()
        }
    }
}
