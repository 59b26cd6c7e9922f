import Foundation
import SwarmProtocol
import Testing

/// `case.update` with `owner` over a real socket: who may take a case, and what taking a new one
/// does (the transcript protocol/examples/case-take.jsonl shows the rest on the wire).
@Suite("Taking a case", .hangGuard)
struct CaseTakeTests {
    @Test("a new case taken by an agent becomes open and theirs; bots and marketing staff may not take cases")
    func takeNewCase() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let (_, botToken) = try await server.store.createBot(name: "wa-bot", scopes: ["case.interaction", "case.update"], channels: ["support*"])
            let bot = try await TestClient.connect(url: server.url, token: botToken)
            let contact = try await bot.request(.caseInteraction, InteractionRequest(identity: Identity(channel: .whatsapp, handle: "+39 333 1234567"), channel: .whatsapp,
                                                                                     direction: .inbound, text: "Where is my refund?"), as: InteractionReply.self)
            #expect(try await bot.refusal(.caseUpdate, CaseUpdateRequest(caseId: contact.caseId, owner: "me")) == .forbidden, "bots feed cases, they never own them")
            let mia = try await server.client("mia", role: .marketing)
            _ = try await lead.request(.caseSwarm, CaseSwarmRequest(caseId: contact.caseId, users: ["mia"], message: "can you check the campaign?"), as: CaseSwarmReply.self)
            #expect(try await mia.refusal(.caseUpdate, CaseUpdateRequest(caseId: contact.caseId, owner: "me")) == .forbidden)

            let anna = try await server.client("anna")
            let taken = try await anna.request(.caseUpdate, CaseUpdateRequest(caseId: contact.caseId, owner: "me"), as: Case.self)
            #expect(taken.status == .open && taken.ownerName == "anna")
            // She joined the public channel to work in the thread, and the channel heard of it.
            let event = try await lead.event("case.updated") { $0.data?["change"]?.string?.contains("owner") == true }
            #expect(event.data?["change"]?.string == "status,owner")
            let brief = try await anna.request(.caseBrief, CaseBriefRequest(caseId: contact.caseId), as: CaseBrief.self)
            #expect(brief.timeline.entries.contains { $0.kind == "status" && $0.text.contains("new → open") })
            #expect(try await anna.refusal(.caseUpdate, CaseUpdateRequest(caseId: contact.caseId, owner: "U999")) == .notFound)
            #expect(try await anna.refusal(.caseUpdate, CaseUpdateRequest(caseId: contact.caseId, owner: " ")) == .badRequest)
        }
    }
}
