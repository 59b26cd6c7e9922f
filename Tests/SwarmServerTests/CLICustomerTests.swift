import Foundation
import SwarmProtocol
import Testing

/// `swarm customer …` against a live server, as a script would run it.
@Suite("swarm customer against a live server", .hangGuard)
struct CLICustomerTests {
    @Test("find, attach, merge (refused to an agent), show and timeline with the withheld count")
    func customers() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            _ = try await lead.createChannel("vip", kind: .private)
            let wa = Identity(channel: .whatsapp, handle: "+39 333 1234567")
            let first = try await lead.request(.caseOpen, CaseOpenRequest(title: "Refund", identity: wa, customerName: "Maria Rossi", channel: "#support"), as: Case.self)
            let other = try await lead.request(.customerCreate, CustomerCreateRequest(name: "M. Rossi", identities: [Identity(channel: .twitter, handle: "@mrossi")]), as: Customer.self)
            let hidden = try await lead.request(.caseOpen, CaseOpenRequest(title: "Chargeback", customer: first.customer, channel: "#vip"), as: Case.self)
            _ = try await lead.request(.caseFact, CaseFactRequest(caseId: hidden.id, key: "vip_code", value: "A-77"), as: CaseFact.self)
            let cli = try CLI(server: server, token: try await server.user("alice", role: .agent))

            let found = try await cli.run("customer", "find", "whatsapp:+39 333 1234567")
            try found.expectSuccess()
            #expect(found.stdout.contains("\(first.customer) Maria Rossi · whatsapp:+393331234567"))
            let byName = try await cli.run("customer", "find", "ross", "--json")
            #expect(try JSONDecoder().decode(CustomerFindReply.self, from: Data(byName.stdout.utf8)).customers.count == 2)

            let attached = try await cli.run("customer", "attach", first.customer, "email:maria@example.com")
            try attached.expectSuccess()
            #expect(attached.stdout.contains("reach: whatsapp:+393331234567 · email:maria@example.com"))
            let taken = try await cli.run("customer", "attach", first.customer, "twitter:@mrossi")
            #expect(taken.status == 1 && taken.stderr.contains("(conflict)"), "a handle of another customer: merge instead")

            let refused = try await cli.run("customer", "merge", first.customer, other.id, "--reason", "same person")
            #expect(refused.status == 4 && refused.stderr.contains("(forbidden)"))
            try await CLI(server: server, token: lead.token).run("customer", "merge", first.customer, other.id).expectSuccess()
            let shown = try await cli.run("customer", "show", other.id)
            try shown.expectSuccess()
            #expect(shown.stdout.contains("── Customer \(first.customer): Maria Rossi ──") && shown.stdout.contains("twitter:@mrossi"))

            let timeline = try await cli.run("customer", "timeline", first.customer)
            try timeline.expectSuccess()
            #expect(timeline.stdout.contains("(2 entries in cases you cannot see)") && timeline.stdout.contains("\(first.id) "))
            let json = try await cli.run("customer", "timeline", first.customer, "--json")
            #expect(try JSONDecoder().decode(TimelinePage.self, from: Data(json.stdout.utf8)).withheld == 2)
        }
    }
}
