import Foundation
import SwarmProtocol
import Testing

/// `swarm case interaction` against a live server.
@Suite("swarm case interaction against a live server", .hangGuard)
struct CLICaseInteractionTests {
    @Test("records an outbound mail on a case; a retry with the same external id records nothing; bad options exit 2")
    func logMail() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let opened = try await lead.request(.caseOpen, CaseOpenRequest(title: "Refund", identity: Identity(channel: .email, handle: "ana@example.com"), channel: "#support"), as: Case.self)
            let cli = try CLI(server: server, token: lead.token)

            let sent = try await cli.run("case", "interaction", opened.id, "Sent the return label", "--channel", "email", "--external-id", "mail-1")
            try sent.expectSuccess()
            #expect(sent.stdout.contains("recorded outbound email contact on \(opened.id)"), "\(sent)")
            let again = try await cli.run("case", "interaction", opened.id, "Sent the return label", "--channel", "email", "--external-id", "mail-1", "--json")
            try again.expectSuccess()
            #expect(try JSONDecoder().decode(InteractionReply.self, from: Data(again.stdout.utf8)).duplicate)
            let card = try await lead.event("message.new") { $0.data?["card"]?["type"]?.string == "interaction" }
            #expect(card.data?["body"]?.string?.contains("Sent the return label") == true)

            #expect(try await cli.run("case", "interaction", opened.id, "x", "--channel", "pigeon").status == 2)
            #expect(try await cli.run("case", "interaction", opened.id, "x", "--channel", "phone", "--direction", "sideways").status == 2)
        }
    }
}
