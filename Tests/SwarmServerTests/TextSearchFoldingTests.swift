import Foundation
import SwarmProtocol
import SwarmStore
import Testing

/// What a word is, and what search may return, on either backend (run with SWARM_TEST_POSTGRES_URL
/// for PostgreSQL): words are runs of letters and digits folded for case and accents, on the
/// query's side and the text's side alike, even where PostgreSQL's own parser would keep
/// `example.com` or `1.5` whole; writes are searchable at once; readers see only what they may read.
@Suite("Text search folding and visibility over real sockets", .hangGuard)
struct TextSearchFoldingTests {
    static func approved(_ lead: TestClient, _ request: KBCreateRequest) async throws -> String {
        let a = try await lead.request(.kbCreate, request, as: Article.self)
        _ = try await lead.request(.kbState, KBStateRequest(article: a.id, state: .approved), as: Article.self)
        return a.id
    }

    @Test("kb.search: accents folded on both sides, words cut at punctuation, filters, highlights, operators inert")
    func kbWords() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            let accented = try await Self.approved(lead, KBCreateRequest(title: "Perché la fattura è in ritardo", body: "Controlla la PEC.",
                                                                       tags: ["billing"], language: "it"))
            let plain = try await Self.approved(lead, KBCreateRequest(title: "Cafe opening hours", body: "See example.com/hours for version 1.5 of the E-mail rules.",
                                                                    tags: ["store", "hours"], language: "en"))
            func hits(_ q: String, tags: [String]? = nil, language: String? = nil) async throws -> [String] {
                try await lead.request(.kbSearch, KBSearchRequest(query: q, tags: tags, language: language), as: KBSearchReply.self).results.map(\.id)
            }
            #expect(try await hits("PERCHE fattura") == [accented])
            #expect(try await hits("café") == [plain], "an accent typed finds the word written without it")
            #expect(try await hits("example") == [plain], "a domain is cut into words")
            #expect(try await hits("1.5") == [plain])
            #expect(try await hits("e-mail rul") == [plain])
            #expect(try await hits("ritardo", tags: ["billing"], language: "IT") == [accented])
            #expect(try await hits("ritardo", tags: ["billing", "store"]).isEmpty)
            #expect(try await hits("hours", language: "it").isEmpty)
            #expect(try await hits("hours' | !fattura & (x:*") .isEmpty, "quotes and operators are not operators")
            let reply = try await lead.request(.kbSearch, KBSearchRequest(query: "perche"), as: KBSearchReply.self)
            #expect(reply.results.first?.titleHighlight == "**Perché** la fattura è in ritardo")
            #expect(reply.results.first?.snippet == "Controlla la PEC.", "no body match: the body's start, unmarked")
            let drafted = try await lead.request(.kbCreate, KBCreateRequest(title: "Cafe draft", body: "Not yet."), as: Article.self)
            #expect(try await hits("cafe") == [plain], "\(drafted.id) is a draft")
        }
    }

    @Test("a bulk import is searchable as soon as it returns")
    func bulkImport() async throws {
        try await withServer { server in
            let admin = try await server.client("root", role: .admin)
            let principal = try await server.store.principal("root")
            let records = (1...30).map { KBArticleRecord(title: "Customs note \($0)", body: "Parcels held at the Zollamt number \($0).", language: "en") }
            let result = try await server.store.importArticles(records, author: principal, batchSize: 7)
            #expect(result.imported == 30 && result.rejected.isEmpty)
            let reply = try await admin.request(.kbSearch, KBSearchRequest(query: "zolla", limit: 50), as: KBSearchReply.self)
            #expect(reply.results.count == 30)
            #expect(reply.results.allSatisfy { $0.snippet.contains("**Zollamt**") })
        }
    }

    @Test("kb.suggest: any word of the case matches, whole words only")
    func suggest() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            let refund = try await Self.approved(lead, KBCreateRequest(title: "Refund to the card", body: "Five business days."))
            let voucher = try await Self.approved(lead, KBCreateRequest(title: "Voucher balance", body: "Check the voucher."))
            _ = try await Self.approved(lead, KBCreateRequest(title: "Refunding shipping", body: "Only for damaged parcels."))
            _ = try await lead.createChannel("support")
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Refund or voucher?", identity: Identity(channel: .email, handle: "maria@example.com"),
                                                                      customerName: "Maria Rossi", channel: "#support"), as: Case.self)
            let suggested = try await lead.request(.kbSuggest, KBSuggestRequest(caseId: c.id), as: KBSearchReply.self)
            #expect(Set(suggested.results.map(\.id)) == [refund, voucher], "no prefix: 'refund' does not find 'Refunding'")
        }
    }

    @Test("search: edits and deletes are searchable at once; a private channel stays private; accents and prefixes")
    func messages() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let open = try await alice.createChannel("general")
            let secret = try await alice.createChannel("secret", kind: .private)
            let m = try await alice.post(open.id, "Il pacco è in dogana a Milano")
            let gone = try await alice.post(open.id, "dogana note to delete")
            _ = try await alice.post(secret.id, "dogana private note")
            func bodies(_ who: TestClient, _ q: String, channel: String? = nil) async throws -> [String] {
                try await who.request(.search, SearchRequest(query: q, channel: channel), as: SearchReply.self).results.map(\.message.body)
            }
            #expect(Set(try await bodies(bob, "dogana")) == ["Il pacco è in dogana a Milano", "dogana note to delete"])
            #expect(try await bodies(bob, "PACCO E dog") == ["Il pacco è in dogana a Milano"])
            #expect(try await bob.refusal(.search, SearchRequest(query: "dogana", channel: secret.id)) != nil, "bob is not in #secret")
            #expect(try await bodies(alice, "private").count == 1)
            _ = try await alice.request(.messageDelete, MessageRef(message: gone.id))
            _ = try await alice.request(.messageEdit, MessageEditRequest(message: m.id, body: "Il pacco è arrivato a Torino"), as: Message.self)
            #expect(try await bodies(bob, "dogana").isEmpty)
            #expect(try await bodies(bob, "torino") == ["Il pacco è arrivato a Torino"])
            let hit = try await bob.request(.search, SearchRequest(query: "arrivato tor"), as: SearchReply.self).results.first
            #expect(hit?.snippet == "Il pacco è **arrivato** a **Torino**")
        }
    }
}
