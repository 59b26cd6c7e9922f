import Foundation
import SwarmCore
import SwarmProtocol
@testable import SwarmStore
import Testing

@Suite("Duplicates, noise bin and topics over real sockets", .hangGuard)
struct DupesFlowTests {
    static func contact(_ handle: String, _ channel: ContactChannel, _ text: String, ext: String? = nil, at: String? = nil,
                        isPublic: Bool? = nil) -> InteractionRequest {
        InteractionRequest(identity: Identity(channel: channel, handle: handle), channel: channel, direction: .inbound, text: text, at: at,
                           externalId: ext, isPublic: isPublic)
    }

    @Test("a repeat from another identity of the same customer joins the case as duplicate_of; another customer's same text does not")
    func duplicateAcrossIdentities() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            _ = try await lead.request(.customerCreate, CustomerCreateRequest(name: "Mario Bianchi", identities: [
                Identity(channel: .twitter, handle: "@mario"), Identity(channel: .email, handle: "mario@example.com"),
            ]))
            let bot = try await server.client("listener", role: .lead)
            let text = "@acme_care My refund for order 5512 never arrived!! https://t.co/x"
            let first = try await bot.request(.caseInteraction, Self.contact("@mario", .twitter, text, ext: "tw-1", isPublic: true), as: InteractionReply.self)
            #expect(first.openedCase && first.entry.duplicateOf == nil)
            // Same complaint by e-mail (private), case and punctuation changed: the same case, marked.
            let mail = try await bot.request(.caseInteraction, Self.contact("Mario@Example.com", .email, "my REFUND for order 5512 never arrived.", ext: "mail-1"),
                                             as: InteractionReply.self)
            #expect(mail.caseId == first.caseId && !mail.openedCase && !mail.duplicate)
            #expect(mail.entry.duplicateOf == first.entry.id)
            // An unrelated text from the same customer joins the open case but is not a duplicate.
            let other = try await bot.request(.caseInteraction, Self.contact("@mario", .twitter, "Also, how do I change my address?"), as: InteractionReply.self)
            #expect(other.caseId == first.caseId && other.entry.duplicateOf == nil)
            // Another customer, the same text: their own case, no duplicate.
            let luigi = try await bot.request(.caseInteraction, Self.contact("@luigi", .twitter, text), as: InteractionReply.self)
            #expect(luigi.openedCase && luigi.caseId != first.caseId && luigi.entry.duplicateOf == nil)
            // The mark is stored: the customer timeline returns it.
            let page = try await lead.request(.customerTimeline, CustomerTimelineRequest(customer: try await Self.customerOf(lead, first.caseId)),
                                              as: TimelinePage.self)
            #expect(page.entries.first { $0.id == mail.entry.id }?.duplicateOf == first.entry.id)
            // An external_id retry is still a retry (duplicate: true), not a new entry.
            let retry = try await bot.request(.caseInteraction, Self.contact("Mario@Example.com", .email, "my REFUND for order 5512 never arrived.", ext: "mail-1"),
                                              as: InteractionReply.self)
            #expect(retry.duplicate && retry.entry.id == mail.entry.id)
        }
    }

    static func customerOf(_ c: TestClient, _ caseId: String) async throws -> String {
        try await c.request(.caseGet, CaseRef(caseId: caseId), as: Case.self).customer
    }

    @Test("a repeat outside the window is not marked; within it, it is")
    func windowAndOff() async throws {
        try await withServer(configure: { $0.duplicatesWindowHours = 1 }) { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let text = "The app crashes when I open my orders"
            let t0 = Date().addingTimeInterval(-3 * 3600)
            let a = try await lead.request(.caseInteraction, Self.contact("@ann", .twitter, text, at: Timestamp.format(t0)), as: InteractionReply.self)
            let b = try await lead.request(.caseInteraction, Self.contact("@ann", .twitter, text, at: Timestamp.format(t0.addingTimeInterval(7200))),
                                           as: InteractionReply.self)
            #expect(b.caseId == a.caseId && b.entry.duplicateOf == nil)
            let c = try await lead.request(.caseInteraction, Self.contact("@ann", .twitter, text, at: Timestamp.format(t0.addingTimeInterval(7260))),
                                           as: InteractionReply.self)
            #expect(c.entry.duplicateOf == b.entry.id)
        }
    }

    @Test("noise goes to the bin with its rule; restore opens the case at the original time; confirm keeps it; nothing is lost")
    func filteredBin() async throws {
        try await withServer(configure: { $0.noiseLinks = ["bit.ly/free"] }) { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let agent = try await server.client("anna", role: .agent)
            let (_, botToken) = try await server.store.createBot(name: "x-listener", scopes: ["case.interaction"], channels: ["support"])
            let bot = try await TestClient.connect(url: server.url, token: botToken)
            let old = Timestamp.format(Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 600).rounded(.down)))
            let spam = try await bot.request(.caseInteraction, Self.contact("@promo", .twitter, "FREE followers https://bit.ly/free-4u", at: old),
                                             as: InteractionOutcome.self)
            guard case .filtered(let held) = spam else { Issue.record("not filtered: \(spam)"); return }
            #expect(held.filtered.rule == "link:bit.ly/free" && held.filtered.message.contains("link:bit.ly/free"))
            let follow = try await bot.request(.caseInteraction, Self.contact("@gino", .twitter, "pls follow back, my parcel is lost"), as: InteractionOutcome.self)
            guard case .filtered(let held2) = follow else { Issue.record("not filtered"); return }
            #expect(held2.filtered.rule == "phrase:follow back")
            // Outbound contacts are never filtered, and a clean contact opens its case as usual.
            let clean = try await bot.request(.caseInteraction, Self.contact("@gino", .twitter, "my parcel is lost"), as: InteractionOutcome.self)
            guard case .recorded(let recorded) = clean else { Issue.record("filtered a clean contact"); return }
            #expect(recorded.openedCase)

            // Privacy: the bin is for leads and admins only.
            #expect(try await agent.refusal(.filteredList, FilteredListRequest()) == .forbidden)
            #expect(try await agent.refusal(.filteredConfirm, FilteredRef(id: held.filtered.id)) == .forbidden)
            #expect(try await bot.refusal(.filteredRestore, FilteredRef(id: held.filtered.id)) == .forbidden)
            #expect(try await lead.refusal(.filteredList, FilteredListRequest(limit: 500)) == .badRequest)
            #expect(try await lead.refusal(.filteredRestore, FilteredRef(id: "CS1")) == .badRequest)
            #expect(try await lead.refusal(.filteredRestore, FilteredRef(id: "FL999")) == .notFound)

            let list = try await lead.request(.filteredList, FilteredListRequest(limit: 1), as: FilteredListReply.self)
            #expect(list.items.map(\.id) == [held2.filtered.id] && list.nextBefore == held2.filtered.id)
            let rest = try await lead.request(.filteredList, FilteredListRequest(before: list.nextBefore), as: FilteredListReply.self)
            #expect(rest.items.map(\.id) == [held.filtered.id] && rest.items[0].text == "FREE followers https://bit.ly/free-4u" && rest.nextBefore == nil)

            // Restore: it opens a case as it would have, with its original time.
            let restored = try await lead.request(.filteredRestore, FilteredRef(id: held.filtered.id), as: FilteredRestoreReply.self)
            #expect(restored.item.state == "restored" && restored.item.caseId == restored.interaction.caseId)
            #expect(restored.interaction.openedCase && restored.interaction.entry.at == old)
            // Joining: the second restore lands in @gino's open case.
            let joined = try await lead.request(.filteredRestore, FilteredRef(id: held2.filtered.id), as: FilteredRestoreReply.self)
            #expect(joined.interaction.caseId == recorded.caseId && !joined.interaction.openedCase)
            #expect(try await lead.refusal(.filteredRestore, FilteredRef(id: held2.filtered.id)) == .conflict)
            #expect(try await lead.refusal(.filteredConfirm, FilteredRef(id: held2.filtered.id)) == .conflict)

            let third = try await bot.request(.caseInteraction, Self.contact("@x", .twitter, "F4F!!"), as: InteractionOutcome.self)
            guard case .filtered(let held3) = third else { Issue.record("not filtered"); return }
            let confirmed = try await lead.request(.filteredConfirm, FilteredRef(id: held3.filtered.id), as: FilteredContact.self)
            #expect(confirmed.state == "confirmed" && confirmed.decidedBy != nil)
            // Nothing lost: every held contact is still listed, with its decision.
            let all = try await lead.request(.filteredList, FilteredListRequest(state: "all"), as: FilteredListReply.self)
            #expect(all.items.map(\.state) == ["confirmed", "restored", "restored"])
            #expect(try await lead.request(.filteredList, FilteredListRequest(), as: FilteredListReply.self).items.isEmpty)
        }
    }

    @Test("topics from rules and by hand; case.topics checks its input and who may change the case")
    func topics() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let r = try await lead.request(.caseInteraction, Self.contact("+39 333 1", .whatsapp, "La fattura di marzo è sbagliata e il pacco non è arrivato"),
                                           as: InteractionReply.self)
            #expect(try await lead.request(.caseGet, CaseRef(caseId: r.caseId), as: Case.self).topics == ["billing", "delivery"])
            let changed = try await lead.request(.caseTopics, CaseTopicsRequest(caseId: r.caseId, add: ["Returns"], remove: ["delivery"]), as: Case.self)
            #expect(changed.topics == ["billing", "returns"])
            #expect(try await lead.refusal(.caseTopics, CaseTopicsRequest(caseId: r.caseId)) == .badRequest)
            #expect(try await lead.refusal(.caseTopics, CaseTopicsRequest(caseId: r.caseId, add: ["a b"])) == .badRequest)
            #expect(try await lead.refusal(.caseTopics, CaseTopicsRequest(caseId: r.caseId, add: ["x"], remove: ["x"])) == .badRequest)
            let marketing = try await server.client("mia", role: .marketing)
            #expect(try await marketing.refusal(.caseTopics, CaseTopicsRequest(caseId: r.caseId, add: ["x"])) == .forbidden)
        }
    }

    @Test("a topic spike posts one alert card per hour in the leads channel, also across a restart")
    func spikeOncePerHour() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-spike-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("swarm.sqlite").path
        let triage = TriageSettings(topics: TopicRules(keywords: TopicRules.defaults), spike: TopicSpikeRule(factor: 3, minCount: 3, baselineHours: 24),
                                    alertChannel: "leads")
        let t0 = Date(timeIntervalSince1970: 1_900_000_000)
        func contact(_ store: SQLiteStore, _ p: Principal, _ n: Int, at: Date) async throws {
            _ = try await store.interaction(p, Self.contact("@c\(n)", .twitter, "Outage: the service is down \(n)", at: Timestamp.format(at)),
                                            intakeChannel: "support", slaHours: 24, triage: triage, now: at)
        }
        func alerts(_ store: SQLiteStore) async throws -> Int {
            try await store.read { db in try db.fetchOne(Int.self, "SELECT COUNT(*) FROM messages WHERE card LIKE '%\"topic_spike\"%'") ?? 0 }
        }
        var store = try SQLiteStore.open(StoreOptions(path: path, synchronous: "normal"))
        _ = try await store.createUser(name: "lena", role: .lead)
        let p = try await store.principal("lena")
        _ = try await store.createChannel(p, ChannelCreateRequest(name: "support"))
        _ = try await store.createChannel(p, ChannelCreateRequest(name: "leads", kind: .private))
        for n in 1...2 { try await contact(store, p, n, at: t0.addingTimeInterval(Double(n) * 60)) }
        #expect(try await alerts(store) == 0)
        try await contact(store, p, 3, at: t0.addingTimeInterval(180))
        #expect(try await alerts(store) == 1)
        try await contact(store, p, 4, at: t0.addingTimeInterval(240))
        #expect(try await alerts(store) == 1)
        await store.close()
        store = try SQLiteStore.open(StoreOptions(path: path, synchronous: "normal"))
        try await contact(store, p, 5, at: t0.addingTimeInterval(300))
        #expect(try await alerts(store) == 1)
        // An hour after the first alert, the topic (still high against its baseline) may alert again.
        for n in 6...9 { try await contact(store, p, n, at: t0.addingTimeInterval(180 + 3600 + Double(n))) }
        #expect(try await alerts(store) == 2)
        await store.close()
    }
}
