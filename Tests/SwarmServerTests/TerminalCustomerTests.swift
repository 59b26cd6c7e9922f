import Foundation
import SwarmProtocol
import Testing

/// Customers in the real terminal client (tmux) against a live server: one person's profiles
/// joined up by attaching a handle or (a lead) merging, and the timeline's withheld count.
@Suite("Terminal client: customers (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalCustomerTests {
    @Test("/customer attach joins a Twitter handle to the WhatsApp customer; merge is refused to an agent; the timeline says what is withheld")
    func customers() async throws {
        try await withServer { server in
            let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
            let aliceToken = try await server.user("alice", role: .agent)
            _ = try await lead.createChannel("support", members: ["alice"])
            _ = try await lead.createChannel("vip", kind: .private)
            let wa = Identity(channel: .whatsapp, handle: "+39 333 1234567")
            let first = try await lead.request(.caseOpen, CaseOpenRequest(title: "Refund for order 5512", identity: wa, customerName: "Maria Rossi", channel: "#support"), as: Case.self)
            // A case alice may not see: its entries are withheld from her (opened + fact).
            let hidden = try await lead.request(.caseOpen, CaseOpenRequest(title: "Chargeback threat", customer: first.customer, channel: "#vip"), as: Case.self)
            _ = try await lead.request(.caseFact, CaseFactRequest(caseId: hidden.id, key: "vip_code", value: "A-77"), as: CaseFact.self)
            // The latest contact makes the public case the one her next messages are routed to.
            _ = try await lead.request(.caseInteraction, InteractionRequest(caseId: first.id, identity: wa, channel: .whatsapp, direction: .inbound, author: "Maria Rossi",
                                                                            text: "Any news on my refund?"), as: InteractionReply.self)
            // The same person on another profile, with a case of its own.
            let other = try await lead.request(.customerCreate, CustomerCreateRequest(name: "M. Rossi", identities: [Identity(channel: .email, handle: "mrossi@example.com")]), as: Customer.self)
            let second = try await lead.request(.caseOpen, CaseOpenRequest(title: "Voucher not accepted", customer: other.id, channel: "#support"), as: Case.self)

            let client = try SwarmInTmux(url: server.url, token: aliceToken, width: 180, height: 50)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try await tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains("#support") }
                try tmux.type("/customer find whatsapp:+39 333 1234567")
                try await tmux.waitFor("the WhatsApp customer") { $0.contains("\(first.customer) Maria Rossi · whatsapp:+393331234567") }

                // Attach her Twitter handle: her tweets now reach the same case.
                try tmux.type("/customer attach \(first.customer) twitter:@maria_r")
                try await tmux.waitFor("the attached handle") { $0.contains("attached to \(first.customer) Maria Rossi · whatsapp:+393331234567, twitter:@maria_r") }
                let tweet = try await lead.request(.caseInteraction, InteractionRequest(identity: Identity(channel: .twitter, handle: "@maria_r"), channel: .twitter,
                                                                                        direction: .inbound, text: "Still waiting for my refund!"), as: InteractionReply.self)
                #expect(tweet.caseId == first.id && !tweet.openedCase)

                // Merging needs a lead: the server's refusal is shown as such.
                try tmux.type("/customer merge \(first.customer) \(other.id) same person")
                try await tmux.waitFor("the merge refusal") { $0.contains("merge refused by the server:") && $0.contains("Ask a lead or admin to merge \(other.id) into \(first.customer)") }
                _ = try await lead.request(.customerMerge, CustomerMergeRequest(into: first.customer, from: other.id, reason: "same person"), as: Customer.self)

                // The brief now holds both conversations and the other case.
                try tmux.type("/case brief \(first.id)")
                try await tmux.waitFor("both channels in the brief") {
                    $0.contains("whatsapp ← Maria Rossi: Any news on my refund?") && $0.contains("twitter ← ") && $0.contains("Still waiting for my refund!")
                        && $0.contains("\(second.id) Voucher not accepted")
                }
                try tmux.type("/customer show \(other.id)")
                try await tmux.waitFor("the merged profile") { $0.contains("── Customer \(first.customer): Maria Rossi ──") && $0.contains("email:mrossi@example.com") }
                try tmux.type("/customer timeline \(first.customer)")
                try await tmux.waitFor("the timeline with the withheld count") { $0.contains("── Timeline \(first.customer):") && $0.contains("(2 entries in cases you cannot see)") }
                try tmux.type("/quit")
            }
        }
    }
}
