import Foundation
import SwarmProtocol
import Testing

/// `swarm report` against a live server: tables, charts per hour, CSV and JSON; bad options exit 2;
/// an agent asking for someone else's figures exits 4.
@Suite("swarm report against a live server", .hangGuard)
struct CLIReportTests {
    @Test("prints figures and hourly charts, CSV and JSON")
    func report() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Refund", identity: Identity(channel: .email, handle: "ana@example.com"), channel: "#support"),
                                           as: Case.self)
            // Different texts: a repeat of the same one would be a duplicate (§23), not a second contact.
            for (direction, at, text) in [(Direction.inbound, "09:00", "my refund has not arrived"), (.outbound, "09:15", "we are on it"),
                                          (.inbound, "11:00", "any news about the bank transfer?")] {
                _ = try await lead.request(.caseInteraction, InteractionRequest(caseId: c.id, channel: .email, direction: direction, text: text,
                                                                                at: "2026-03-02T\(at):00Z"), as: InteractionReply.self)
            }
            let cli = try CLI(server: server, token: lead.token)
            let text = try await cli.run("report", "--from", "2026-03-02", "--to", "2026-03-03", "--group-by", "hour")
            try text.expectSuccess()
            #expect(text.stdout.contains("Inbound contacts") && text.stdout.contains("email 2"), "\(text)")
            #expect(text.stdout.contains("Response rate") && text.stdout.contains("50% (1 of 2)"), "\(text)")
            // The bar chart: hours 09 and 11 have one contact each (a full bar), hour 10 none.
            #expect(text.stdout.contains("2026-03-02 09h │████"), "\(text)")
            #expect(text.stdout.contains("First response (median) per hour"), "\(text)")

            let csv = try await cli.run("report", "--from", "2026-03-02", "--to", "2026-03-03", "--group-by", "channel", "--csv")
            try csv.expectSuccess()
            let rows = csv.stdout.split(separator: "\n")
            #expect(rows.count == 3 && rows[0].hasPrefix("group,inbound,") && rows[1].hasPrefix("total,2,") && rows[2].hasPrefix("email,2,"), "\(csv)")

            let json = try await cli.run("report", "--from", "2026-03-02", "--to", "2026-03-03", "--json")
            try json.expectSuccess()
            let reply = try JSONDecoder().decode(ReportGetReply.self, from: Data(json.stdout.utf8))
            #expect(reply.figures.inbound == 2 && reply.figures.firstResponse.mean == 900)

            #expect(try await cli.run("report", "--group-by", "week").status == 2)
            #expect(try await cli.run("report", "--from", "March").status == 2)
            #expect(try await cli.run("report", "--csv", "--json").status == 2)
            _ = try await server.user("anna")
            let anna = try CLI(server: server, token: try await server.user("anna2"))
            #expect(try await anna.run("report", "--owner", "lena").status == 4)
        }
    }
}
