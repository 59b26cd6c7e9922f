import Foundation
import SwarmProtocol
import SwarmServer
import Testing

/// `swarm csat` and `swarm reply-check` against a live server.
@Suite("swarm csat and reply-check against a live server", .hangGuard)
struct CLICareTests {
    @Test("csat records once on a solved case (text and --json); reply-check prints findings; bad input exits 2")
    func csatAndReplyCheck() async throws {
        try await withServer(configure: { $0.toneForbiddenPhrases = ["*:as I said"] }) { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let opened = try await lead.request(.caseOpen, CaseOpenRequest(title: "Refund", identity: Identity(channel: .email, handle: "ana@example.com"), channel: "#support"), as: Case.self)
            let cli = try CLI(server: server, token: lead.token)

            let check = try await cli.run("reply-check", opened.id, "As I said, it is on its way")
            try check.expectSuccess()
            #expect(check.stdout.contains("forbidden_phrase: avoid \"as I said\" «As I said»"), "\(check)")
            let json = try await cli.run("reply-check", opened.id, "It is on its way", "--json")
            try json.expectSuccess()
            let reply = try JSONDecoder().decode(ReplyCheckReply.self, from: Data(json.stdout.utf8))
            #expect(reply.findings.isEmpty && reply.language == "en")

            #expect(try await cli.run("csat", opened.id, "5").status != 0, "the case is open")
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: opened.id, status: .solved), as: Case.self)
            let rated = try await cli.run("csat", opened.id, "5", "--comment", "Quick and kind", "--json")
            try rated.expectSuccess()
            #expect(try JSONDecoder().decode(Case.self, from: Data(rated.stdout.utf8)).csat?.comment == "Quick and kind")
            #expect(try await cli.run("csat", opened.id, "4").status != 0, "once per case")
            #expect(try await cli.run("csat", opened.id, "9").status == 2)
            #expect(try await cli.run("csat", opened.id, "five").status == 2)
        }
    }
}
