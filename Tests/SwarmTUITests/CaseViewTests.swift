import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

@Suite("Cases in the terminal client")
struct CaseViewTests {
    static let sla = SLAState(dueAt: "2026-11-26T09:00:00.000Z", firstResponseAt: nil, state: "running")
    static let caseInfo = Case(id: "CS3", title: "Refund missing", customer: "CU1", customerName: "Maria Rossi", channel: "C1", channelName: "support",
                               thread: "M10", status: .open, priority: .high, owner: "U2", ownerName: "bob", sourceChannel: .whatsapp, summary: nil,
                               tags: ["refund"], tickets: [TicketLink(system: "zendesk", key: "ZD-881", url: nil, linkedBy: "U1", linkedAt: "2026-11-25T09:00:00.000Z")],
                               sla: sla, openedBy: "U1", createdAt: "2026-11-25T09:00:00.000Z", updatedAt: "2026-11-25T09:00:00.000Z")

    static func brief() -> CaseBrief {
        let customer = Customer(id: "CU1", name: "Maria Rossi", crmId: "SF-77", tier: "gold", vip: true, language: "it", notes: nil,
                                identities: [Identity(channel: .whatsapp, handle: "+393331234567")], createdAt: "", updatedAt: "")
        let entry = TimelineEntry(id: "TL1", kind: "interaction", customer: "CU1", caseId: "CS3", at: "2026-11-25T09:01:00.000Z", channel: .whatsapp,
                                  direction: .inbound, author: "Maria Rossi", text: "Where is my refund?", externalId: "wa-1", by: "U9", data: nil)
        return CaseBrief(caseInfo: caseInfo, customer: customer, timeline: TimelinePage(entries: [entry], total: 120, nextBefore: "TL1"), lastMessages: [],
                         handoffs: [Handoff(caseId: "CS3", from: "U1", fromName: "alice", to: "U2", toName: "bob", toChannel: nil, skill: nil,
                                            note: "Refund approved, confirm with the customer.", at: "2026-11-25T10:00:00.000Z")],
                         kbShared: [], openQuestions: [], facts: [CaseFact(key: "order_number", value: "5512", source: "whatsapp", caseId: "CS3", by: "U9", at: "")],
                         swarm: [], otherCases: [])
    }

    /// An event frame as the server sends it.
    static func event<T: Codable & Sendable>(_ name: String, _ payload: T) throws -> ServerFrame {
        let frame = EventFrame(ev: name, seq: 5, data: payload)
        return try JSONDecoder().decode(ServerFrame.self, from: JSONEncoder().encode(frame))
    }

    @Test func briefPageHasEverySection() {
        let text = CasePages.brief(Self.brief()).joined(separator: "\n")
        #expect(text.contains("── Brief CS3: Refund missing ──"))
        #expect(text.contains("Customer: Maria Rossi (CU1) · CRM SF-77 · VIP · gold · it"))
        #expect(text.contains("reach: whatsapp +393331234567"))
        #expect(text.contains("Tickets: zendesk ZD-881"))
        #expect(text.contains("  order_number: 5512   (from whatsapp)"))
        #expect(text.contains("11-25 10:00 @alice → @bob: Refund approved, confirm with the customer."))
        #expect(text.contains("Timeline (120 entries, 119 older not shown):"))
        #expect(text.contains("11-25 09:01 whatsapp ← Maria Rossi: Where is my refund?"))
    }

    @Test func briefPageSaysWhatWasWithheld() {
        var brief = Self.brief()
        #expect(!CasePages.brief(brief).joined(separator: "\n").contains("cannot see"))
        brief.timeline.withheld = 3
        brief.factsWithheld = 2
        brief.otherCasesWithheld = 1
        let text = CasePages.brief(brief).joined(separator: "\n")
        #expect(text.contains("  (2 more in cases you cannot see)"))
        #expect(text.contains("Other cases you cannot see: 1"))
        #expect(text.contains("Timeline (120 entries, 119 older not shown, 3 in cases you cannot see):"))
    }

    @Test func slaCountdown() {
        let now = ISO8601DateFormatter().date(from: "2026-11-25T21:30:00Z")!
        #expect(CasePages.sla(Self.sla, now: now) == "due in 11h30m")
        #expect(CasePages.sla(SLAState(dueAt: "x", firstResponseAt: "y", state: "met")) == "met")
    }

    @Test func handoffsAndInvitesAreNotifications() throws {
        var m = ChatModel()
        m.me = User(id: "U2", name: "bob", displayName: nil, role: .agent, skills: [])
        // The event carries no case: the title comes from the card a `case.updated` left, if any.
        let handoff = HandoffEvent(handoff: Self.brief().handoffs[0])
        #expect(m.apply(try Self.event("case.handoff", handoff)))
        #expect(m.alerts.last?.text.contains("alice handed CS3 to you") == true)
        #expect(m.apply(try Self.event("case.updated", CaseUpdatedEvent(change: "owner", caseInfo: Self.brief().caseInfo, by: "U1"))))
        #expect(m.casesByThread["M10"]?.id == "CS3")
        #expect(m.apply(try Self.event("case.handoff", handoff)))
        #expect(m.alerts.last?.text.contains("alice handed CS3 “Refund missing” to you") == true)
        let invite = SwarmInviteEvent(caseId: "CS3", title: "Refund missing", channel: "C1", thread: "M10", by: "U1", byName: "alice", message: "billing side?")
        #expect(m.apply(try Self.event("case.swarm_invite", invite)))
        #expect(m.alerts.last?.text.contains("alice asks you to swarm on CS3") == true)
    }
}
