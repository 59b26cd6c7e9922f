import Foundation
import SwarmProtocol
import Testing

/// `swarm mark` against a live server.
@Suite("swarm mark against a live server", .hangGuard)
struct CLIMarkTests {
    @Test("mark a question and its answer; the brief lists the question until it is answered")
    func mark() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Voucher", identity: Identity(channel: .email, handle: "ana@example.com"), channel: "#support"), as: Case.self)
            let question = try await lead.post(c.channel, "Can an expired voucher be reused?", thread: c.thread)
            let answer = try await lead.post(c.channel, "Yes, within 30 days through the voucher desk.", thread: c.thread)
            let cli = try CLI(server: server, token: try await server.user("alice", role: .agent))
            #expect(try await cli.run("mark", question.id, "question").status == 4, "alice is not a member of #support yet")
            _ = try await lead.request(.channelInvite, ChannelInviteRequest(channel: c.channel, user: "alice"))

            let q = try await cli.run("mark", question.id, "question")
            try q.expectSuccess()
            #expect(q.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(question.id) question")
            let open = try await lead.request(.caseBrief, CaseBriefRequest(caseId: c.id), as: CaseBrief.self)
            #expect(open.openQuestions.map(\.id) == [question.id])
            let a = try await cli.run("mark", answer.id, "answer", "--answers", question.id, "--json")
            try a.expectSuccess()
            #expect(try JSONDecoder().decode(Message.self, from: Data(a.stdout.utf8)).mark == "answer")
            #expect(try await cli.run("mark", answer.id, "maybe").status == 2)
            #expect(try await cli.run("mark", question.id, "question", "--answers", answer.id).status == 2)
        }
    }
}
