import Foundation
import SwarmProtocol
import Testing

/// `swarm case take|rename` and `swarm case list --include-unowned` against a live server.
@Suite("swarm case take and rename against a live server", .hangGuard)
struct CLICaseTakeTests {
    @Test("list mine and unassigned, take, rename; someone else's case is a conflict")
    func takeAndRename() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let queued = try await lead.request(.caseOpen, CaseOpenRequest(title: "Refund", identity: Identity(channel: .email, handle: "ana@example.com"), channel: "#support"), as: Case.self)
            _ = try await lead.request(.caseHandoff, CaseHandoffRequest(caseId: queued.id, to: "#support", note: "Please pick this up from the queue today."), as: Handoff.self)
            let kept = try await lead.request(.caseOpen, CaseOpenRequest(title: "Lena's own", customer: queued.customer, channel: "#support"), as: Case.self)
            let cli = try CLI(server: server, token: try await server.user("alice", role: .agent))

            let list = try await cli.run("case", "list", "--owner", "me", "--include-unowned", "--json")
            try list.expectSuccess()
            #expect(try JSONDecoder().decode(CaseListReply.self, from: Data(list.stdout.utf8)).cases.map(\.id) == [queued.id])

            let taken = try await cli.run("case", "take", queued.id)
            try taken.expectSuccess()
            #expect(taken.stdout.contains("\(queued.id) [open, normal] Refund") && taken.stdout.contains("@alice"))
            let renamed = try await cli.run("case", "rename", queued.id, "Refund for order 5512", "--json")
            try renamed.expectSuccess()
            let c = try JSONDecoder().decode(Case.self, from: Data(renamed.stdout.utf8))
            #expect(c.title == "Refund for order 5512" && c.ownerName == "alice")

            let grab = try await cli.run("case", "take", kept.id)
            #expect(grab.status == 1 && grab.stderr.contains("belongs to @lena") && grab.stderr.contains("(conflict)"))
            #expect(try await cli.run("case", "list", "--include-unowned").status == 2, "include-unowned needs an owner")
        }
    }
}
