import Foundation
import SwarmCore
import SwarmProtocol
import SwarmStore
import Testing

@Suite("Cases end to end over real sockets", .hangGuard)
struct CaseFlowTests {
    /// Sets up the team: a lead, two agents with skills, a product manager, and a scoped bot.
    struct Team {
        let server: TestServer
        let lead: TestClient
        let anna: TestClient
        let bruno: TestClient
        let botToken: String
    }

    static func team(_ server: TestServer) async throws -> Team {
        let leadToken = try await server.user("lena", role: .lead)
        let lead = try await TestClient.connect(url: server.url, token: leadToken)
        _ = try await lead.createChannel("support")
        _ = try await lead.createChannel("support-billing")
        let anna = try await TestClient.connect(url: server.url, token: try await server.user("anna", role: .agent, skills: ["billing"]))
        let bruno = try await TestClient.connect(url: server.url, token: try await server.user("bruno", role: .agent, skills: ["returns", "billing"]))
        let (_, botToken) = try await server.store.createBot(name: "zendesk-bot", scopes: ["case.open", "case.interaction", "case.link_ticket", "ticket.lookup", "case.fact"],
                                                             channels: ["support*"])
        return Team(server: server, lead: lead, anna: anna, bruno: bruno, botToken: botToken)
    }

    @Test("a bot opens a case from an interaction; tickets, lookup, swarm, hand-off and a brief with everything")
    func fullCaseFlow() async throws {
        try await withServer { server in
            let t = try await Self.team(server)
            let bot = try await TestClient.connect(url: server.url, token: t.botToken)
            let maria = Identity(channel: .whatsapp, handle: "+39 333 123 4567")

            // 1. A WhatsApp message from an unknown customer opens a case in the intake channel.
            let first = try await bot.request(.caseInteraction, InteractionRequest(identity: maria, customerName: "Maria Rossi", channel: .whatsapp, direction: .inbound,
                                                                                 text: "My refund for order 5512 never arrived", externalId: "wa-1"), as: InteractionReply.self)
            #expect(first.openedCase && !first.duplicate)
            let caseId = first.caseId
            // A retry with the same external_id creates nothing new.
            let retry = try await bot.request(.caseInteraction, InteractionRequest(identity: maria, channel: .whatsapp, direction: .inbound,
                                                                                 text: "My refund for order 5512 never arrived", externalId: "wa-1"), as: InteractionReply.self)
            #expect(retry.duplicate && retry.caseId == caseId && retry.entry.id == first.entry.id)

            // 2. Two tickets linked; lookup by key finds the case and its thread.
            _ = try await bot.request(.caseLinkTicket, CaseTicketRequest(caseId: caseId, system: "zendesk", key: "ZD-881", url: "https://acme.zendesk.com/agent/tickets/881"))
            let linked = try await t.anna.request(.caseLinkTicket, CaseTicketRequest(caseId: caseId, system: "jira", key: "PAY-42"), as: Case.self)
            #expect(linked.tickets.map(\.key) == ["ZD-881", "PAY-42"])
            let found = try await bot.request(.ticketLookup, TicketRef(system: "zendesk", key: "ZD-881"), as: TicketLookupReply.self)
            #expect(found.caseId == caseId && found.thread == first.thread)
            // The same key cannot go on a second open case.
            let other = try await t.anna.request(.caseOpen, CaseOpenRequest(title: "Other", identity: Identity(channel: .email, handle: "x@example.com"), channel: "#support"), as: Case.self)
            #expect(try await t.anna.refusal(.caseLinkTicket, CaseTicketRequest(caseId: other.id, system: "zendesk", key: "ZD-881")) == .conflict)

            // 3. The customer writes again on two more channels; identities attach to the profile.
            _ = try await bot.request(.caseInteraction, InteractionRequest(ticket: TicketRef(system: "zendesk", key: "ZD-881"), identity: Identity(channel: .email, handle: "Maria.Rossi@example.com"),
                                                                         channel: .email, direction: .inbound, text: "Any news? I paid with Visa ending 4242", externalId: "mail-77"))
            _ = try await bot.request(.caseInteraction, InteractionRequest(caseId: caseId, channel: .twitter, direction: .inbound, author: "@maria_r", text: "@acme still waiting for my refund!", externalId: "tw-9"))
            _ = try await bot.request(.caseFact, CaseFactRequest(caseId: caseId, key: "order_number", value: "5512", source: "whatsapp"))
            _ = try await t.anna.request(.caseFact, CaseFactRequest(caseId: caseId, key: "email", value: "maria.rossi@example.com"))
            let viaEmail = try await t.anna.request(.customerFind, CustomerFindRequest(identity: Identity(channel: .email, handle: "maria.rossi@EXAMPLE.com")), as: CustomerFindReply.self)
            #expect(viaEmail.customers.first?.name == "Maria Rossi")
            #expect(Set(viaEmail.customers.first?.identities.map(\.channel) ?? []) == [.whatsapp, .email])

            // 4. Anna takes the case, asks a question in the thread, and swarms by skill.
            _ = try await t.lead.request(.caseHandoff, CaseHandoffRequest(caseId: caseId, to: "@anna", note: "Please take this refund case, customer is waiting."))
            _ = try await t.anna.request(.channelJoin, ChannelRef(channel: "#support"))
            let question = try await t.anna.post("#support", "Was the refund issued to the original card?", thread: first.thread)
            _ = try await t.anna.request(.messageMark, MessageMarkRequest(message: question.id, mark: "question"))
            let helpers = try await t.anna.request(.caseHelpers, CaseHelpersRequest(caseId: caseId, skill: "returns"), as: CaseHelpersReply.self)
            #expect(helpers.helpers.map(\.name) == ["bruno"])
            let swarmed = try await t.anna.request(.caseSwarm, CaseSwarmRequest(caseId: caseId, skill: "returns", message: "Refund stuck, can you check the returns queue?"), as: CaseSwarmReply.self)
            #expect(swarmed.invited.map(\.name) == ["bruno"])
            let invite = try await t.bruno.event("case.swarm_invite")
            #expect(invite.data?["case"]?.string == caseId)
            _ = try await t.bruno.request(.caseJoin, CaseRef(caseId: caseId))
            _ = try await t.bruno.post("#support", "Refund is in the returns queue, releasing it now.", thread: first.thread)

            // 5. Hand-off without a real note is refused; with one, Bruno is told and reads the brief.
            #expect(try await t.anna.refusal(.caseHandoff, CaseHandoffRequest(caseId: caseId, to: "@bruno", note: "over")) == .badRequest)
            _ = try await t.anna.request(.caseHandoff, CaseHandoffRequest(caseId: caseId, to: "@bruno", note: "Refund found in returns queue; confirm with the customer on WhatsApp."))
            // The event names the hand-off; the brief is fetched, filtered for the reader.
            let handed = try await t.bruno.event("case.handoff")
            #expect(try handed.decode(HandoffEvent.self).handoff.caseId == caseId)
            #expect(handed.data?["brief"] == nil)
            let brief = try await t.bruno.request(.caseBrief, CaseBriefRequest(caseId: caseId), as: CaseBrief.self)
            #expect(brief.caseInfo.owner == (try await server.store.user("bruno")).id)
            let contacts = brief.timeline.entries.filter { $0.kind == "interaction" }
            #expect(Set(contacts.compactMap(\.channel)) == [.whatsapp, .email, .twitter])
            #expect(contacts.count == 3)
            #expect(brief.facts.map(\.key) == ["email", "order_number"])
            #expect(brief.handoffs.last?.note == "Refund found in returns queue; confirm with the customer on WhatsApp.")
            #expect(brief.handoffs.count == 2)
            #expect(brief.openQuestions.map(\.id) == [question.id])
            #expect(brief.customer.identities.count == 2)
            #expect(brief.caseInfo.tickets.count == 2)
            #expect(brief.swarm.first { $0.name == "bruno" }?.contributions == 1)

            // The brief op gives the same, and a mark of the answer closes the open question.
            let answer = try await t.bruno.post("#support", "Yes, to the Visa ending 4242.", thread: first.thread)
            _ = try await t.bruno.request(.messageMark, MessageMarkRequest(message: answer.id, mark: "answer", answers: question.id))
            let again = try await t.bruno.request(.caseBrief, CaseBriefRequest(caseId: caseId), as: CaseBrief.self)
            #expect(again.openQuestions.isEmpty)

            // 6. Status moves are events and timeline entries; a solved case reopens.
            _ = try await t.bruno.request(.caseUpdate, CaseUpdateRequest(caseId: caseId, status: .solved))
            #expect(try await t.bruno.refusal(.caseUpdate, CaseUpdateRequest(caseId: caseId, status: .pending)) == .conflict)
            let reopened = try await t.bruno.request(.caseUpdate, CaseUpdateRequest(caseId: caseId, status: .open, priority: .high, tags: ["refund", "visa"]), as: Case.self)
            #expect(reopened.status == .open && reopened.priority == .high && reopened.tags == ["refund", "visa"])
            let list = try await t.lead.request(.caseList, CaseListRequest(status: [.open], tag: "refund"), as: CaseListReply.self)
            #expect(list.cases.map(\.id) == [caseId])
            let timeline = try await t.lead.request(.customerTimeline, CustomerTimelineRequest(customer: brief.customer.id, limit: 500), as: TimelinePage.self)
            #expect(timeline.entries.contains { $0.kind == "status" && $0.text.contains("reopened") })
        }
    }

    @Test("merging two customers moves identities, cases and timeline, and keeps an audit trail")
    func mergeCustomers() async throws {
        try await withServer { server in
            let t = try await Self.team(server)
            let bot = try await TestClient.connect(url: server.url, token: t.botToken)
            let a = try await bot.request(.caseInteraction, InteractionRequest(identity: Identity(channel: .twitter, handle: "@luca_b"), customerName: "Luca B", channel: .twitter,
                                                                             direction: .inbound, text: "App crashes on login", externalId: "tw-1"), as: InteractionReply.self)
            let b = try await bot.request(.caseInteraction, InteractionRequest(identity: Identity(channel: .facebook, handle: "luca.bianchi"), customerName: "Luca Bianchi",
                                                                             channel: .facebook, direction: .inbound, text: "Still crashing", externalId: "fb-1"), as: InteractionReply.self)
            #expect(a.caseId != b.caseId)
            let caseA = try await t.lead.request(.caseGet, CaseRef(caseId: a.caseId), as: Case.self)
            let caseB = try await t.lead.request(.caseGet, CaseRef(caseId: b.caseId), as: Case.self)
            let before = try await t.lead.request(.customerTimeline, CustomerTimelineRequest(customer: caseB.customer), as: TimelinePage.self)
            // Agents may not merge; leads may.
            #expect(try await t.anna.refusal(.customerMerge, CustomerMergeRequest(into: caseA.customer, from: caseB.customer)) == .forbidden)
            let merged = try await t.lead.request(.customerMerge, CustomerMergeRequest(into: caseA.customer, from: caseB.customer, reason: "same person"), as: Customer.self)
            #expect(Set(merged.identities.map(\.channel)) == [.twitter, .facebook])
            let timeline = try await t.lead.request(.customerTimeline, CustomerTimelineRequest(customer: caseA.customer), as: TimelinePage.self)
            for entry in before.entries { #expect(timeline.entries.contains { $0.id == entry.id }, "entry \(entry.id) lost in the merge") }
            #expect(timeline.entries.contains { $0.kind == "merge" })
            let cases = try await t.lead.request(.caseList, CaseListRequest(customer: caseA.customer), as: CaseListReply.self)
            #expect(Set(cases.cases.map(\.id)) == [a.caseId, b.caseId])
            // The old id still resolves, to the surviving profile.
            let old = try await t.lead.request(.customerFind, CustomerFindRequest(customer: caseB.customer), as: CustomerFindReply.self)
            #expect(old.customers.first?.id == caseA.customer)
            let audit = try await server.store.auditEntries(action: "customer.merge")
            #expect(audit.count == 1)
        }
    }

    @Test("a bot outside its scopes is refused: ops, channels, and unscoped bot tokens")
    func botScopes() async throws {
        try await withServer { server in
            let t = try await Self.team(server)
            _ = try await t.lead.createChannel("sales")
            let bot = try await TestClient.connect(url: server.url, token: t.botToken)
            // Op not in the scopes.
            #expect(try await bot.refusal(.caseNote, CaseNoteRequest(caseId: "CS1", text: "hi")) == .forbidden)
            #expect(try await bot.refusal(.messagePost, MessagePostRequest(channel: "#support", body: "hi")) == .forbidden)
            // Channel outside the patterns.
            #expect(try await bot.refusal(.caseOpen, CaseOpenRequest(title: "x", identity: Identity(channel: .app, handle: "u1"), channel: "#sales")) == .forbidden)
            let inScope = try await bot.request(.caseOpen, CaseOpenRequest(title: "x", identity: Identity(channel: .app, handle: "u1"), channel: "#support-billing"), as: Case.self)
            #expect(inScope.status == .new && inScope.owner == nil)
            let salesCase = try await t.lead.request(.caseOpen, CaseOpenRequest(title: "y", identity: Identity(channel: .app, handle: "u2"), channel: "#sales"), as: Case.self)
            #expect(try await bot.refusal(.caseLinkTicket, CaseTicketRequest(caseId: salesCase.id, system: "jira", key: "S-1")) == .forbidden)
            // A bot whose token has no scopes may not touch cases at all.
            let plainBot = try await server.client("plain-bot", role: .bot)
            #expect(try await plainBot.refusal(.caseOpen, CaseOpenRequest(title: "z", identity: Identity(channel: .app, handle: "u3"), channel: "#support")) == .forbidden)
        }
    }

    @Test("a replayed hand-off never hands out thread text that was deleted or edited since (it carries none; the brief is current)")
    func handoffReplayIsRedacted() async throws {
        try await withServer { server in
            let t = try await Self.team(server)
            let c = try await t.anna.request(.caseOpen, CaseOpenRequest(title: "Card blocked", identity: Identity(channel: .phone, handle: "+39 02 555"), channel: "#support"), as: Case.self)
            let secret = try await t.anna.post("#support", "Customer read me the full card number 4111 1111 1111 1111", thread: c.thread)
            let typo = try await t.anna.post("#support", "Custmer wants a callbak?", thread: c.thread)
            _ = try await t.anna.request(.messageMark, MessageMarkRequest(message: typo.id, mark: "question"))
            _ = try await t.anna.request(.caseHandoff, CaseHandoffRequest(caseId: c.id, to: "@bruno", note: "Card is blocked, bank confirmation pending."))
            _ = try await t.bruno.event("case.handoff")
            _ = try await t.anna.request(.messageDelete, MessageRef(message: secret.id))
            _ = try await t.anna.request(.messageEdit, MessageEditRequest(message: typo.id, body: "Customer wants a callback?"))
            let bruno = try await TestClient.connect(url: server.url, token: try await server.store.issueToken(user: "bruno", label: nil), after: 0)
            // The event carries no thread text at all; the brief bruno reads is as the thread is now.
            let replayed = try await bruno.event("case.handoff")
            let raw = replayed.data?.description ?? ""
            #expect(!raw.contains("4111") && !raw.contains("allbak") && replayed.data?["brief"] == nil, "thread text in a replayed hand-off")
            let brief = try await bruno.request(.caseBrief, CaseBriefRequest(caseId: c.id), as: CaseBrief.self)
            let text = brief.lastMessages.map(\.body).joined() + brief.openQuestions.map(\.body).joined()
            #expect(!text.contains("4111") && !text.contains("callbak") && text.contains("Customer wants a callback?"))
        }
    }
}
