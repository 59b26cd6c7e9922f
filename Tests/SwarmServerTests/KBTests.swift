import Foundation
import SwarmProtocol
import Testing

@Suite("Knowledge base over real sockets", .hangGuard)
struct KBTests {
    /// A lead (editor), an agent, and three approved articles in Italian and English.
    static func seeded(_ server: TestServer) async throws -> (lead: TestClient, agent: TestClient, ids: [String: String]) {
        let lead = try await server.client("lena", role: .lead)
        let agent = try await server.client("anna", role: .agent)
        var ids: [String: String] = [:]
        let articles: [(String, KBCreateRequest)] = [
            ("refund", KBCreateRequest(title: "Refund to the original card", body: "Refunds go back to the card used for the order within 5 business days.",
                                       tags: ["billing", "refund"], language: "en")),
            ("perche", KBCreateRequest(title: "Perché il rimborso è in ritardo", body: "Il rimborso può richiedere fino a dieci giorni lavorativi.",
                                       tags: ["rimborso"], language: "it")),
            ("parcel", KBCreateRequest(title: "Parcel tracking", body: "When a refund is late, first check the parcel tracking page for the return.",
                                       tags: ["shipping"], language: "en", audience: .customer,
                                       replyTemplate: "Hi {{customer.first_name}}, your ticket {{case.tickets[0].key}} is being handled by {{agent.name}}.")),
        ]
        for (name, request) in articles {
            let a = try await agent.request(.kbCreate, request, as: Article.self)
            _ = try await lead.request(.kbState, KBStateRequest(article: a.id, state: .approved), as: Article.self)
            ids[name] = a.id
        }
        return (lead, agent, ids)
    }

    @Test("search by title word, body word, tag, prefix and accent-folded word; title matches rank first")
    func search() async throws {
        try await withServer { server in
            let (_, agent, ids) = try await Self.seeded(server)
            func hits(_ q: String, language: String? = nil) async throws -> [String] {
                try await agent.request(.kbSearch, KBSearchRequest(query: q, language: language), as: KBSearchReply.self).results.map(\.id)
            }
            #expect(try await hits("tracking") == [ids["parcel"]!])                 // title word
            #expect(try await hits("business days") == [ids["refund"]!])            // body words
            #expect(try await hits("shipping") == [ids["parcel"]!])                 // tag
            #expect(try await hits("trac") == [ids["parcel"]!])                     // prefix, search-as-you-type
            #expect(try await hits("perche") == [ids["perche"]!])                   // "perché" without the accent
            #expect(try await hits("ritardo", language: "it") == [ids["perche"]!])
            // "refund" is in the title of one article and only in the body of another.
            let refund = try await hits("refund")
            #expect(refund.first == ids["refund"]! && refund.contains(ids["parcel"]!))
            let reply = try await agent.request(.kbSearch, KBSearchRequest(query: "refund"), as: KBSearchReply.self)
            #expect(reply.results.first?.titleHighlight == "**Refund** to the original card")
            #expect(reply.results.last?.snippet.contains("**refund**") == true)
        }
    }

    @Test("drafts are invisible to non-editors; editors approve; every version is kept")
    func draftsAndVersions() async throws {
        try await withServer { server in
            let (lead, agent, _) = try await Self.seeded(server)
            let other = try await server.client("otto", role: .agent)
            let draft = try await agent.request(.kbCreate, KBCreateRequest(title: "Secret draft about vouchers", body: "Vouchers expire after a year."), as: Article.self)
            #expect(draft.state == .draft)
            #expect(try await other.refusal(.kbGet, KBGetRequest(article: draft.id)) == .notFound)
            #expect(try await other.request(.kbSearch, KBSearchRequest(query: "vouchers"), as: KBSearchReply.self).results.isEmpty)
            #expect(try await other.request(.kbList, KBListRequest(), as: KBListReply.self).articles.allSatisfy { $0.state == .approved })
            #expect(try await other.refusal(.kbState, KBStateRequest(article: draft.id, state: .approved)) == .notFound)
            #expect(try await agent.refusal(.kbState, KBStateRequest(article: draft.id, state: .approved)) == .forbidden)
            _ = try await agent.request(.kbUpdate, KBUpdateRequest(article: draft.id, body: "Vouchers expire after two years."), as: Article.self)
            _ = try await lead.request(.kbState, KBStateRequest(article: draft.id, state: .approved), as: Article.self)
            // Approved: the author may no longer edit it, nor take it back; an editor may.
            #expect(try await agent.refusal(.kbUpdate, KBUpdateRequest(article: draft.id, title: "x")) == .forbidden)
            #expect(try await agent.refusal(.kbState, KBStateRequest(article: draft.id, state: .draft)) == .forbidden)
            #expect(try await agent.refusal(.kbState, KBStateRequest(article: draft.id, state: .archived)) == .forbidden)
            // A bot never approves, even with the editor skill.
            let (_, botToken) = try await server.store.createUser(name: "kb-bot", role: .bot, skills: ["knowledge-editor"])
            let bot = try await TestClient.connect(url: server.url, token: botToken)
            let another = try await agent.request(.kbCreate, KBCreateRequest(title: "Another draft", body: "text"), as: Article.self)
            #expect(try await bot.refusal(.kbState, KBStateRequest(article: another.id, state: .approved)) == .notFound)
            // The author may withdraw their own draft and bring it back.
            _ = try await agent.request(.kbState, KBStateRequest(article: another.id, state: .archived), as: Article.self)
            _ = try await agent.request(.kbState, KBStateRequest(article: another.id, state: .draft), as: Article.self)
            _ = try await lead.request(.kbUpdate, KBUpdateRequest(article: draft.id, title: "Voucher expiry"), as: Article.self)
            let got = try await other.request(.kbGet, KBGetRequest(article: draft.id), as: KBGetReply.self)
            #expect(got.article.version == 3 && got.article.title == "Voucher expiry" && got.versions.map(\.version) == [1, 2, 3])
            let first = try await other.request(.kbGet, KBGetRequest(article: draft.id, version: 1), as: KBGetReply.self)
            #expect(first.article.body == "Vouchers expire after a year." && first.article.title == "Secret draft about vouchers")
            #expect(try await other.request(.kbSearch, KBSearchRequest(query: "voucher"), as: KBSearchReply.self).results.map(\.id) == [draft.id])
        }
    }

    @Test("share into a case thread and timeline; solved counts once per case; render fills placeholders")
    func shareSolveRender() async throws {
        try await withServer { server in
            let (lead, agent, ids) = try await Self.seeded(server)
            _ = try await lead.createChannel("support", members: ["anna"])
            let c = try await agent.request(.caseOpen, CaseOpenRequest(title: "Refund late", identity: Identity(channel: .email, handle: "maria@example.com"),
                                                                       customerName: "Maria Rossi", channel: "#support", tickets: [TicketRef(system: "zendesk", key: "ZD-7")]),
                                            as: Case.self)
            let shared = try await agent.request(.kbShare, KBShareRequest(article: ids["refund"]!, caseId: c.id, comment: "this is it"), as: Message.self)
            #expect(shared.thread == c.thread && shared.card?["article"]?.string == ids["refund"]!)
            let seen = try await lead.event("message.new") { $0.data?["id"]?.string == shared.id }
            #expect(seen.data?["card"]?["type"]?.string == "kb")
            let brief = try await agent.request(.caseBrief, CaseBriefRequest(caseId: c.id), as: CaseBrief.self)
            #expect(brief.kbShared.map { $0.data?["article"]?.string } == [ids["refund"]!])

            let draft = try await agent.request(.kbCreate, KBCreateRequest(title: "Unapproved idea", body: "maybe"), as: Article.self)
            #expect(try await agent.refusal(.kbSolved, KBSolvedRequest(caseId: c.id, article: draft.id)) == .badRequest)
            let once = try await agent.request(.kbSolved, KBSolvedRequest(caseId: c.id, article: ids["refund"]!), as: KBSolvedReply.self)
            let twice = try await agent.request(.kbSolved, KBSolvedRequest(caseId: c.id, article: ids["refund"]!), as: KBSolvedReply.self)
            #expect(once.recorded && !twice.recorded && twice.stats.solved == 1 && twice.stats.shares == 1 && twice.stats.cases == [c.id])
            let got = try await agent.request(.kbGet, KBGetRequest(article: ids["refund"]!), as: KBGetReply.self)
            #expect(got.article.stats.solved == 1 && got.article.stats.lastUsed != nil)

            let rendered = try await agent.request(.kbRender, KBRenderRequest(article: ids["parcel"]!, caseId: c.id), as: KBRenderReply.self)
            #expect(rendered.text == "Hi Maria, your ticket ZD-7 is being handled by anna.")
            // Internal articles are not rendered for customers; unknown placeholders are refused.
            #expect(try await agent.refusal(.kbRender, KBRenderRequest(article: ids["refund"]!, caseId: c.id)) == .badRequest)
            _ = try await lead.request(.kbUpdate, KBUpdateRequest(article: ids["parcel"]!, replyTemplate: "Dear {{customer.shoe_size}}"), as: Article.self)
            #expect(try await agent.refusal(.kbRender, KBRenderRequest(article: ids["parcel"]!, caseId: c.id)) == .badRequest)

            // Suggestions from the case: its title says "refund" and "late"; the Italian one shares no word.
            let suggested = try await agent.request(.kbSuggest, KBSuggestRequest(caseId: c.id), as: KBSearchReply.self)
            #expect(Set(suggested.results.map(\.id)) == [ids["refund"]!, ids["parcel"]!])
        }
    }

    @Test("capture a draft from a thread's marked answer, linked to its case")
    func capture() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            let agent = try await server.client("anna", role: .agent)
            _ = try await lead.createChannel("support", members: ["anna"])
            let c = try await agent.request(.caseOpen, CaseOpenRequest(title: "Voucher not accepted", identity: Identity(channel: .app, handle: "u-77"),
                                                                       channel: "#support", tags: ["vouchers"]), as: Case.self)
            #expect(try await agent.refusal(.kbCapture, KBCaptureRequest(thread: c.thread, title: "Expired vouchers")) == .badRequest)
            let q = try await agent.post("#support", "Why is the voucher refused at checkout?", thread: c.thread)
            let a = try await lead.post("#support", "Vouchers older than 12 months expire; issue a new one from the admin panel.", thread: c.thread)
            _ = try await agent.request(.messageMark, MessageMarkRequest(message: q.id, mark: "question"))
            _ = try await lead.request(.messageMark, MessageMarkRequest(message: a.id, mark: "answer", answers: q.id))
            let draft = try await agent.request(.kbCapture, KBCaptureRequest(thread: c.thread, title: "Expired vouchers"), as: Article.self)
            #expect(draft.state == .draft && draft.sourceCase == c.id && draft.tags == ["vouchers"])
            #expect(draft.body.contains("Why is the voucher refused at checkout?") && draft.body.contains("issue a new one from the admin panel"))
        }
    }

    @Test("with a candidate cap, the newest matches are ranked, and an older article that solved a case still competes")
    func candidateCap() async throws {
        try await withServer(configure: { $0.kbSearchCandidates = 3 }) { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            var ids: [String] = []
            for n in 1...6 {
                let a = try await lead.request(.kbCreate, KBCreateRequest(title: "Voucher rule \(n)", body: "How vouchers work, part \(n)."), as: Article.self)
                _ = try await lead.request(.kbState, KBStateRequest(article: a.id, state: .approved), as: Article.self)
                ids.append(a.id)
            }
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Voucher refused", identity: Identity(channel: .app, handle: "u1"), channel: "#support"), as: Case.self)
            _ = try await lead.request(.kbSolved, KBSolvedRequest(caseId: c.id, article: ids[0]), as: KBSolvedReply.self)
            let found = try await lead.request(.kbSearch, KBSearchRequest(query: "voucher", limit: 3), as: KBSearchReply.self).results.map(\.id)
            #expect(found.count == 3 && found.contains(ids[0]), "\(found)")
            #expect(Set(found).isSubset(of: [ids[0], ids[3], ids[4], ids[5]]), "only the newest three and the proven one are ranked: \(found)")
        }
    }
}
