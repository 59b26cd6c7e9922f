import Foundation
import GRDB
import SwarmCore
import SwarmProtocol
import SwarmStore
import Testing

/// Every op and event that carries customer or case data × readers who may not see a private
/// case of the same customer (PROTOCOL.md §14, §15, §18.1). Every text of the private case holds
/// the marker `PRIVX`; no reply or event a non-reader gets may contain it anywhere, and the
/// customer-wide views must say how much they withheld. A member of the private channel and a
/// lead see everything.
@Suite("Private cases stay private in customer-wide views", .hangGuard)
struct CasePrivacyMatrixTests {
    static let marker = "PRIVX"

    final class World: Sendable {
        let server: TestServer
        let lead: TestClient, insider: TestClient, outsider: TestClient, mia: TestClient, bot: TestClient
        let publicCase: Case, privateCase: Case
        /// Seq of the log before any case existed: where a later joiner resumes from.
        let start: Int64

        init(server: TestServer, lead: TestClient, insider: TestClient, outsider: TestClient, mia: TestClient, bot: TestClient,
             publicCase: Case, privateCase: Case, start: Int64) {
            self.server = server
            self.lead = lead
            self.insider = insider
            self.outsider = outsider
            self.mia = mia
            self.bot = bot
            self.publicCase = publicCase
            self.privateCase = privateCase
            self.start = start
        }

        /// The readers who may not see the private case, by name.
        var nonReaders: [(String, TestClient)] { [("outsider agent", outsider), ("marketing swarmed into the public case", mia), ("scoped bot", bot)] }
    }

    /// Maria has a public case in #support and a private one in #vip (lena and the insider only).
    static func world(_ server: TestServer) async throws -> World {
        let lead = try await server.client("lena", role: .lead)
        let start = lead.conn.hello!.seq
        let insider = try await server.client("vince")
        let outsider = try await server.client("otto")
        let mia = try await server.client("mia", role: .marketing)
        let (_, botToken) = try await server.store.createBot(name: "support-bot", scopes: CasePermissions.botScopableOps.map(\.rawValue) + ["history"],
                                                             channels: ["support*"])
        let bot = try await TestClient.connect(url: server.url, token: botToken)
        _ = try await lead.createChannel("support", members: ["otto", "mia", "support-bot", "vince"])
        _ = try await lead.createChannel("vip", kind: .private, members: ["vince"])

        let pub = try await lead.request(.caseOpen, CaseOpenRequest(title: "Refund for order 5512", identity: Identity(channel: .email, handle: "maria@example.com"),
                                                                    customerName: "Maria Rossi", channel: "#support"), as: Case.self)
        _ = try await lead.request(.caseFact, CaseFactRequest(caseId: pub.id, key: "order_number", value: "5512"))
        _ = try await lead.request(.caseInteraction, InteractionRequest(caseId: pub.id, channel: .email, direction: .inbound, text: "Where is my refund?", externalId: "mail-1"))

        let priv = try await lead.request(.caseOpen, CaseOpenRequest(title: "\(marker) chargeback threat", customer: pub.customer, channel: "#vip",
                                                                     tickets: [TicketRef(system: "zendesk", key: "\(marker)-881")]), as: Case.self)
        _ = try await lead.request(.caseInteraction, InteractionRequest(caseId: priv.id, channel: .email, direction: .inbound,
                                                                        text: "\(marker) my lawyer will call", externalId: "\(marker)-ext-1"))
        _ = try await lead.request(.caseNote, CaseNoteRequest(caseId: priv.id, text: "\(marker) legal is involved"))
        _ = try await lead.request(.caseFact, CaseFactRequest(caseId: priv.id, key: "order_number", value: "\(marker)-9999"))
        _ = try await lead.request(.caseFact, CaseFactRequest(caseId: priv.id, key: "vip_code", value: "\(marker)-fact"))
        _ = try await lead.request(.caseSwarm, CaseSwarmRequest(caseId: pub.id, users: ["mia"], message: "can marketing offer a voucher?"))
        return World(server: server, lead: lead, insider: insider, outsider: outsider, mia: mia, bot: bot, publicCase: pub, privateCase: priv, start: start)
    }

    /// The whole frame as text: its data and its error message.
    static func text(_ frame: ServerFrame) throws -> String {
        String(decoding: try JSONEncoder().encode(frame.data ?? .null), as: UTF8.self) + (frame.error?.message ?? "")
    }

    static func expectNoLeak(_ frame: ServerFrame, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = try text(frame)
        #expect(!text.contains(marker), "\(what) leaks the private case: \(text.prefix(600))", sourceLocation: sourceLocation)
    }

    /// Timeline entries of the private case, as the lead sees them.
    static func privateEntries(_ w: World) async throws -> (all: Int, hidden: Int) {
        let page = try await w.lead.request(.customerTimeline, CustomerTimelineRequest(customer: w.publicCase.customer, limit: 500), as: TimelinePage.self)
        return (page.total, page.entries.filter { $0.caseId == w.privateCase.id }.count)
    }

    @Test("customer.timeline and case.brief withhold the private case from those who may not see it, and count what they withheld")
    func customerWideViews() async throws {
        try await withServer { server in
            let w = try await Self.world(server)
            let (all, hidden) = try await Self.privateEntries(w)
            #expect(hidden >= 5)
            for (who, reader) in w.nonReaders {
                let timeline = try await reader.conn.send(Op.customerTimeline.rawValue, CustomerTimelineRequest(customer: w.publicCase.customer, limit: 500))
                try Self.expectNoLeak(timeline, "customer.timeline for the \(who)")
                if reader === w.mia {
                    #expect(timeline.error?.code == .forbidden, "marketing may not read a customer's timeline")
                } else {
                    let page = try timeline.decode(TimelinePage.self)
                    #expect(Self.withheld(timeline.data) == hidden && page.total == all - hidden && page.entries.count == all - hidden, "\(who)")
                }

                let briefFrame = try await reader.conn.send(Op.caseBrief.rawValue, CaseBriefRequest(caseId: w.publicCase.id, timelineLimit: 500))
                try Self.expectNoLeak(briefFrame, "case.brief of the public case for the \(who)")
                let brief = try briefFrame.decode(CaseBrief.self)
                #expect(Self.withheld(briefFrame.data?["timeline"]) == hidden, "\(who)")
                #expect(brief.timeline.entries.allSatisfy { $0.caseId != w.privateCase.id })
                #expect(brief.facts.map(\.value) == ["5512"], "\(who) sees the public fact, not the private case's newer value")
                #expect(Self.withheld(briefFrame.data, "facts_withheld") == 2 && Self.withheld(briefFrame.data, "other_cases_withheld") == 1
                        && brief.otherCases.isEmpty, "\(who)")
            }
            // Those who may read #vip see it all, and nothing is withheld from them.
            for (who, reader) in [("member of #vip", w.insider), ("lead", w.lead)] {
                let timeline = try await reader.conn.send(Op.customerTimeline.rawValue, CustomerTimelineRequest(customer: w.publicCase.customer, limit: 500))
                let page = try timeline.decode(TimelinePage.self)
                #expect(Self.withheld(timeline.data) == 0 && page.total == all && page.entries.contains { $0.text.contains(Self.marker) }, "\(who)")
                let briefFrame = try await reader.conn.send(Op.caseBrief.rawValue, CaseBriefRequest(caseId: w.publicCase.id, timelineLimit: 500))
                let brief = try briefFrame.decode(CaseBrief.self)
                #expect(brief.facts.map(\.value).sorted() == ["\(Self.marker)-9999", "\(Self.marker)-fact"], "\(who)")
                #expect(brief.otherCases.map(\.title) == [w.privateCase.title])
                #expect(Self.withheld(briefFrame.data, "other_cases_withheld") == 0 && Self.withheld(briefFrame.data, "facts_withheld") == 0)
                #expect(Self.withheld(briefFrame.data?["timeline"]) == 0)
            }
        }
    }

    @Test("case, customer, ticket and search ops show nothing of a private case to those who may not see it")
    func caseAndCustomerOps() async throws {
        try await withServer { server in
            let w = try await Self.world(server)
            for (who, reader) in w.nonReaders {
                let requests: [(Op, JSONValue)] = [
                    (.caseGet, try Self.json(CaseRef(caseId: w.privateCase.id))),
                    (.caseBrief, try Self.json(CaseBriefRequest(caseId: w.privateCase.id))),
                    (.caseList, try Self.json(CaseListRequest())),
                    (.caseList, try Self.json(CaseListRequest(customer: w.publicCase.customer))),
                    (.customerFind, try Self.json(CustomerFindRequest(customer: w.publicCase.customer))),
                    (.customerFind, try Self.json(CustomerFindRequest(identity: Identity(channel: .email, handle: "maria@example.com")))),
                    (.customerFind, try Self.json(CustomerFindRequest(query: "maria"))),
                    (.ticketLookup, try Self.json(TicketRef(system: "zendesk", key: "\(Self.marker)-881"))),
                    (.search, try Self.json(SearchRequest(query: Self.marker.lowercased()))),
                    (.caseHelpers, try Self.json(CaseHelpersRequest(caseId: w.privateCase.id))),
                    (.caseInteraction, try Self.json(InteractionRequest(caseId: w.publicCase.id, channel: .email, direction: .inbound,
                                                                        text: "retry", externalId: "\(Self.marker)-ext-1"))),
                ]
                for (op, data) in requests {
                    let frame = try await reader.conn.send(op.rawValue, data)
                    try Self.expectNoLeak(frame, "\(op.rawValue) for the \(who)")
                }
                for op in [Op.caseGet, .caseBrief] {
                    #expect(try await reader.refusal(op, CaseRef(caseId: w.privateCase.id)) == .forbidden, "\(who) \(op.rawValue)")
                }
                // Linking the private case's ticket elsewhere is a conflict that does not name it.
                if reader !== w.mia {
                    let clash = try await reader.conn.send(Op.caseLinkTicket.rawValue, CaseTicketRequest(caseId: w.publicCase.id, system: "zendesk", key: "\(Self.marker)-881"))
                    #expect(clash.error?.code == .conflict && !(clash.error?.message ?? "").contains(w.privateCase.id), "\(who): \(clash.error?.message ?? "ok")")
                }
            }
            // The insider does see the private case through the same ops.
            let listed = try await w.insider.request(.caseList, CaseListRequest(customer: w.publicCase.customer), as: CaseListReply.self)
            #expect(Set(listed.cases.map(\.id)) == [w.publicCase.id, w.privateCase.id])
            let found = try await w.insider.request(.ticketLookup, TicketRef(system: "zendesk", key: "\(Self.marker)-881"), as: TicketLookupReply.self)
            #expect(found.caseId == w.privateCase.id)
        }
    }

    @Test("a hand-off event names the hand-off only, reaches only those who may see the case, live and on replay")
    func handoffEvents() async throws {
        try await withServer { server in
            let w = try await Self.world(server)
            // A private case cannot be queued in a channel whose members may not read it.
            let refused = try await w.lead.conn.send(Op.caseHandoff.rawValue, CaseHandoffRequest(caseId: w.privateCase.id, to: "#support",
                                                                                                   note: "Please pick this up in the support queue today."))
            #expect(refused.error?.code == .forbidden)
            try Self.expectNoLeak(refused, "the refused hand-off")

            _ = try await w.lead.request(.caseHandoff, CaseHandoffRequest(caseId: w.publicCase.id, to: "#support", note: "Refund is ready, please call Maria back today."))
            for (who, reader) in [("outsider agent", w.outsider), ("marketing swarmed into the public case", w.mia), ("scoped bot", w.bot)] {
                let event = try await reader.event("case.handoff")
                try Self.expectNoLeak(event, "the live case.handoff for the \(who)")
                #expect(event.data?["brief"] == nil)
                #expect(try event.decode(HandoffEvent.self).handoff.caseId == w.publicCase.id)
                // What the event leaves out, the reader fetches, filtered for them.
                let brief = try await reader.conn.send(Op.caseBrief.rawValue, CaseBriefRequest(caseId: w.publicCase.id))
                try Self.expectNoLeak(brief, "the brief fetched after the hand-off by the \(who)")
            }

            // A 0.1 server logged the new owner's whole brief in the event; such an event is
            // replayed without it.
            let support = try await w.lead.request(.channelList, Empty(), as: ChannelListReply.self).channels.first { $0.name == "support" }!
            let oldBrief = try await w.lead.request(.caseBrief, CaseBriefRequest(caseId: w.publicCase.id), as: CaseBrief.self)
            #expect(oldBrief.otherCases.contains { $0.title.contains(Self.marker) })
            let handoff = try await w.lead.request(.caseBrief, CaseBriefRequest(caseId: w.publicCase.id), as: CaseBrief.self).handoffs.last!
            let legacy = String(decoding: try JSONEncoder().encode(["handoff": try Self.json(handoff), "brief": try Self.json(oldBrief)]), as: UTF8.self)
            // Through the committer, as any write: on PostgreSQL the log head numbers it.
            try await server.store.appendRawEvent(type: "case.handoff", channel: Ids.parse(.channel, support.id)!, data: legacy, at: "2026-01-01T00:00:00.000Z")

            // Someone who joins #support later and resumes from before it all gets both hand-offs,
            // and nothing of the private case.
            let late = try await server.client("laura")
            _ = try await late.request(.channelJoin, ChannelRef(channel: "#support"))
            let again = try await TestClient.connect(url: server.url, token: late.token, after: w.start)
            var replayed: [ServerFrame] = []
            while true {
                let frame = try await again.frame()
                if frame.ev == "ready" { break }
                replayed.append(frame)
            }
            for frame in replayed { try Self.expectNoLeak(frame, "replayed \(frame.ev ?? "?") \(frame.seq ?? 0)") }
            let handoffs = replayed.filter { $0.ev == "case.handoff" }
            #expect(handoffs.count == 2 && handoffs.allSatisfy { $0.data?["brief"] == nil })
        }
    }

    @Test("case.updated reaches only channel members who may see the case")
    func caseUpdatedFanOut() async throws {
        try await withServer { server in
            let w = try await Self.world(server)
            // Mia is in #support, but swarmed only into the public case: a change to another case
            // there is not hers to see; the change to hers is.
            let other = try await w.lead.request(.caseOpen, CaseOpenRequest(title: "Another customer's complaint", identity: Identity(channel: .email, handle: "b@example.com"),
                                                                            channel: "#support"), as: Case.self)
            _ = try await w.lead.request(.caseUpdate, CaseUpdateRequest(caseId: other.id, priority: .urgent))
            _ = try await w.lead.request(.caseUpdate, CaseUpdateRequest(caseId: w.publicCase.id, priority: .high))
            let seen = try await w.mia.event("case.updated")
            #expect(seen.data?["case"]?["id"]?.string == w.publicCase.id)
            let agentSees = try await w.outsider.event("case.updated", where: { $0.data?["change"]?.string == "priority" })
            #expect(agentSees.data?["case"]?["id"]?.string == other.id)
            // And on replay the same.
            let again = try await TestClient.connect(url: server.url, token: w.mia.token, after: w.start)
            _ = try await again.event("ready")
            let replayedCases = Set(await again.pending("case.updated").compactMap { $0.data?["case"]?["id"]?.string })
            #expect(replayedCases == [w.publicCase.id])
        }
    }

    @Test("timeline pages for a reader are the full pages less the hidden case, whichever side is longer; merge entries stay")
    func timelinePaging() async throws {
        try await withServer { server in
            let w = try await Self.world(server)
            let dup = try await w.lead.request(.customerCreate, CustomerCreateRequest(name: "M. Rossi"), as: Customer.self)
            _ = try await w.lead.request(.customerMerge, CustomerMergeRequest(into: w.publicCase.customer, from: dup.id))
            func pages(_ reader: TestClient) async throws -> (ids: [String], withheld: Set<Int>) {
                var ids: [String] = [], withheld = Set<Int>(), before: String?
                repeat {
                    let frame = try await reader.conn.send(Op.customerTimeline.rawValue, CustomerTimelineRequest(customer: w.publicCase.customer, before: before, limit: 3))
                    let page = try frame.decode(TimelinePage.self)
                    ids = page.entries.map(\.id) + ids
                    withheld.insert(Self.withheld(frame.data) ?? -1)
                    before = page.nextBefore
                } while before != nil
                return (ids, withheld)
            }
            // First the private case has more entries than the rest, then fewer.
            for round in 0..<2 {
                if round == 1 {
                    for i in 0..<10 {
                        _ = try await w.lead.request(.caseInteraction, InteractionRequest(caseId: w.publicCase.id, channel: .email, direction: .inbound, text: "more \(i)"))
                    }
                }
                let full = try await w.lead.request(.customerTimeline, CustomerTimelineRequest(customer: w.publicCase.customer, limit: 500), as: TimelinePage.self)
                let expected = full.entries.filter { $0.caseId != w.privateCase.id }
                let hidden = full.entries.count - expected.count
                #expect(expected.contains { $0.kind == "merge" && $0.caseId == nil })
                #expect(round == 0 ? hidden > expected.count : hidden < expected.count)
                let seen = try await pages(w.outsider)
                #expect(seen.ids == expected.map(\.id), "round \(round)")
                #expect(seen.withheld == [hidden], "round \(round)")
            }
        }
    }

    @Test("an article names only the cases the reader may see among those it was shared into or solved")
    func articleStatsNameVisibleCases() async throws {
        try await withServer { server in
            let w = try await Self.world(server)
            let article = try await w.lead.request(.kbCreate, KBCreateRequest(title: "Chargebacks", body: "How to answer a chargeback threat."), as: Article.self)
            _ = try await w.lead.request(.kbState, KBStateRequest(article: article.id, state: .approved))
            for c in [w.publicCase, w.privateCase] {
                _ = try await w.lead.request(.kbShare, KBShareRequest(article: article.id, caseId: c.id))
                _ = try await w.lead.request(.kbSolved, KBSolvedRequest(caseId: c.id, article: article.id))
            }
            let seen = try await w.outsider.request(.kbGet, KBGetRequest(article: article.id), as: KBGetReply.self)
            #expect(seen.article.stats.cases == [w.publicCase.id] && seen.article.stats.solved == 2)
            let listed = try await w.outsider.request(.kbList, KBListRequest(), as: KBListReply.self)
            #expect(listed.articles.first { $0.id == article.id }?.stats.cases == [w.publicCase.id])
            let all = try await w.insider.request(.kbGet, KBGetRequest(article: article.id), as: KBGetReply.self)
            #expect(Set(all.article.stats.cases) == [w.publicCase.id, w.privateCase.id])
        }
    }

    @Test("a marketing or product new owner can see the case handed to them")
    func handedToProductStaff() async throws {
        try await withServer { server in
            let w = try await Self.world(server)
            let pete = try await server.client("pete", role: .product)
            _ = try await w.lead.request(.caseHandoff, CaseHandoffRequest(caseId: w.publicCase.id, to: "@pete", note: "Pricing question for product, please answer Maria."))
            let event = try await pete.event("case.handoff")
            #expect(try event.decode(HandoffEvent.self).handoff.caseId == w.publicCase.id)
            let brief = try await pete.conn.send(Op.caseBrief.rawValue, CaseBriefRequest(caseId: w.publicCase.id))
            #expect(brief.ok == true, "\(brief.error?.message ?? "")")
            try Self.expectNoLeak(brief, "the brief of product staff who own the public case")
        }
    }

    /// A withheld count as sent (read from the JSON, so a server without the field fails the
    /// check instead of the decoding).
    static func withheld(_ data: JSONValue?, _ key: String = "withheld") -> Int? {
        data?[key]?.int.map(Int.init)
    }

    static func json<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}
