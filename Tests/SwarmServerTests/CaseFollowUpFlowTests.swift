import Foundation
import SwarmCore
import SwarmProtocol
import Testing

/// A customer's "thank you" after their case was solved: it reopens that case within
/// `cases.followup_window_hours` instead of opening a new one.
@Suite("Follow-up contacts after a solve", .hangGuard)
struct CaseFollowUpFlowTests {
    func contact(_ text: String, at: Date? = nil, id: String) -> InteractionRequest {
        InteractionRequest(identity: Identity(channel: .whatsapp, handle: "+39 333 777"), channel: .whatsapp, direction: .inbound, text: text,
                           at: at.map(Timestamp.format), externalId: id)
    }

    @Test("a thank-you within the window reopens the solved case; after the window, or once closed, it opens a new one")
    func thankYouReopens() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let (_, token) = try await server.store.createBot(name: "wa-bot", scopes: ["case.interaction"], channels: ["support"])
            let bot = try await TestClient.connect(url: server.url, token: token)
            let first = try await bot.request(.caseInteraction, contact("My parcel never arrived", id: "wa-1"), as: InteractionReply.self)
            #expect(first.openedCase && !first.reopened)
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: first.caseId, owner: "me"), as: Case.self)
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: first.caseId, status: .solved), as: Case.self)

            let thanks = try await bot.request(.caseInteraction, contact("Thank you, it arrived!", id: "wa-2"), as: InteractionReply.self)
            #expect(thanks.caseId == first.caseId && thanks.reopened && !thanks.openedCase)
            let updated = try await lead.event("case.updated") { $0.data?["change"]?.string == "status" && $0.data?["case"]?["status"]?.string == "open" }
            #expect(updated.data?["case"]?["owner_name"]?.string == "lena", "the owner is kept")
            let reopened = try await lead.request(.caseGet, CaseRef(caseId: first.caseId), as: Case.self)
            #expect(reopened.status == .open)
            let timeline = try await lead.request(.customerTimeline, CustomerTimelineRequest(customer: reopened.customer), as: TimelinePage.self)
            #expect(timeline.entries.contains { $0.kind == "status" && $0.text == "status reopened" })

            // Solved again; a contact written 73 hours later is a new problem.
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: first.caseId, status: .solved), as: Case.self)
            let late = try await bot.request(.caseInteraction, contact("New order is wrong", at: Date().addingTimeInterval(73 * 3600), id: "wa-3"),
                                             as: InteractionReply.self)
            #expect(late.openedCase && !late.reopened && late.caseId != first.caseId)

            // Closed is final: with both cases closed, the next contact opens a new case.
            for id in [first.caseId, late.caseId] {
                _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: id, status: .closed), as: Case.self)
            }
            let afterClose = try await bot.request(.caseInteraction, contact("Thanks again", id: "wa-4"), as: InteractionReply.self)
            #expect(afterClose.caseId != late.caseId && afterClose.caseId != first.caseId && !afterClose.reopened)
        }
    }

    @Test("cases.followup_window_hours = 0 turns it off")
    func windowZero() async throws {
        try await withServer(configure: { $0.followupWindowHours = 0 }) { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let first = try await lead.request(.caseInteraction, contact("Parcel lost", id: "wa-1"), as: InteractionReply.self)
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: first.caseId, status: .solved), as: Case.self)
            let thanks = try await lead.request(.caseInteraction, contact("Thank you", id: "wa-2"), as: InteractionReply.self)
            #expect(thanks.openedCase && !thanks.reopened && thanks.caseId != first.caseId)
        }
    }
}
