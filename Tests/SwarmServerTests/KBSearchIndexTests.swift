import Foundation
import SwarmProtocol
import SwarmStore
import Testing

/// The search indexes behind kb.search: the title/tag index, the body index with prefixes
/// expanded from the list of words (kb_terms), and that list kept right through every write.
@Suite("Knowledge-base search indexes over real sockets", .hangGuard)
struct KBSearchIndexTests {
    static func approved(_ lead: TestClient, _ title: String, _ body: String, tags: [String] = []) async throws -> String {
        let a = try await lead.request(.kbCreate, KBCreateRequest(title: title, body: body, tags: tags), as: Article.self)
        _ = try await lead.request(.kbState, KBStateRequest(article: a.id, state: .approved), as: Article.self)
        return a.id
    }

    static func hits(_ client: TestClient, _ query: String) async throws -> [String] {
        try await client.request(.kbSearch, KBSearchRequest(query: query), as: KBSearchReply.self).results.map(\.id)
    }

    @Test("a body-only word is found by its prefix once approved; drafts, archived articles and edited-away words are not")
    func wordListFollowsWrites() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            let agent = try await server.client("anna", role: .agent)
            let a = try await Self.approved(lead, "Card payments", "A chargeback reverses the payment.")
            #expect(try await Self.hits(agent, "chargeb") == [a])
            let draft = try await agent.request(.kbCreate, KBCreateRequest(title: "Disputes", body: "Chargebacks from the bank portal."), as: Article.self)
            #expect(try await Self.hits(agent, "chargeb") == [a], "a draft's words are not searchable")
            #expect(try await Self.hits(agent, "portal").isEmpty)
            _ = try await lead.request(.kbState, KBStateRequest(article: draft.id, state: .approved), as: Article.self)
            #expect(Set(try await Self.hits(agent, "chargeb")) == [a, draft.id])
            #expect(try await Self.hits(agent, "portal") == [draft.id])
            // An editor rewrites the approved article: its old words stop matching, the new ones match.
            _ = try await lead.request(.kbUpdate, KBUpdateRequest(article: a, body: "Refunds go back to the card."), as: Article.self)
            #expect(try await Self.hits(agent, "chargeb") == [draft.id])
            #expect(try await Self.hits(agent, "reverses").isEmpty)
            #expect(try await Self.hits(agent, "refu") == [a])
            _ = try await lead.request(.kbState, KBStateRequest(article: draft.id, state: .archived), as: Article.self)
            #expect(try await Self.hits(agent, "chargeb").isEmpty)
            #expect(try await Self.hits(agent, "portal").isEmpty)
            // A word nobody wrote, and a prefix nothing begins: empty at once, not an error.
            #expect(try await Self.hits(agent, "card zzzyx").isEmpty)
            #expect(try await Self.hits(agent, "qqq").isEmpty)
        }
    }

    @Test("the last word matches as a prefix in titles from one letter on, and in bodies by the words it begins")
    func shortPrefixes() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            let title = try await Self.approved(lead, "Parcel tracking", "Where the courier is.")
            let body = try await Self.approved(lead, "Couriers", "The parcel tracking page shows the courier.")
            let other = try await Self.approved(lead, "Parcel lost", "Open a claim.")
            let found = try await Self.hits(lead, "parcel t")
            #expect(found.first == title && Set(found) == [title, body], "title match first, then the body match; \(other) has no t-word")
            let reply = try await lead.request(.kbSearch, KBSearchRequest(query: "parcel t"), as: KBSearchReply.self)
            #expect(reply.results.first?.titleHighlight == "**Parcel** **tracking**")
            #expect(reply.results.last?.snippet == "**The** **parcel** **tracking** page shows **the** courier.")
        }
    }

    @Test("a word the index splits into several tokens (here joined by zero-width joiners) is searched as one phrase")
    func multiTokenWord() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            let inOrder = try await Self.approved(lead, "Steps a b c", "Do them in order.")
            _ = try await Self.approved(lead, "Steps c b a", "Do them backwards.")
            #expect(try await Self.hits(lead, "a\u{200D}b\u{200D}c") == [inOrder])
            #expect(try await Self.hits(lead, "steps a\u{200D}b\u{200D}c") == [inOrder])
        }
    }

    @Test("body matches rank by how often and how densely the words occur; snippets are cut around the match")
    func bodyRankingAndSnippets() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            let filler = Array(repeating: "Nothing to see in this sentence at all.", count: 6).joined(separator: " ")
            let once = try await Self.approved(lead, "Note one", "\(filler) The voucher is valid. \(filler)")
            let often = try await Self.approved(lead, "Note two", "\(filler) The voucher, the voucher code and the voucher balance. \(filler)")
            let found = try await Self.hits(lead, "voucher")
            #expect(found == [often, once], "\(found)")
            let hit = try await lead.request(.kbSearch, KBSearchRequest(query: "voucher val"), as: KBSearchReply.self).results
            #expect(hit.map(\.id) == [once])
            let snippet = hit.first?.snippet ?? ""
            #expect(snippet.hasPrefix("…") && snippet.hasSuffix("…") && snippet.contains("**voucher** is **valid**"), "\(snippet)")
            #expect(snippet.split(separator: " ").count <= 16, "\(snippet)")
        }
    }

    @Test("bulk import counts the imported words at its end; an import cut short is still searchable, and counted again when the server next opens the database",
          .enabled(if: TestBackend.isSQLite, "kb_terms and its stale mark are SQLite's; PostgreSQL searches its tsvector columns, see TextSearchFoldingTests"))
    func importAndRecovery() async throws {
        try await withServer { first in
            let admin = try await first.client("root", role: .admin)
            let principal = try await first.store.principal("root")
            let records = (1...30).map { KBArticleRecord(title: "Customs note \($0)", body: "Parcels held at the Zollamt number \($0).", language: "en") }
            let result = try await first.store.importArticles(records, author: principal, batchSize: 7)
            #expect(result.imported == 30 && result.rejected.isEmpty)
            #expect(try await Self.hits(admin, "zolla").count == 10)
            // As if the process died between a batch and the final count: the list is stale, and
            // search, not trusting it, still finds every imported word (through the indexes alone).
            try await first.store.sqlitePool!.write { db in
                try db.execute(sql: "DELETE FROM kb_terms; INSERT OR REPLACE INTO meta(key, value) VALUES ('kb_terms_stale', '1')")
            }
            #expect(try await Self.hits(admin, "zolla").count == 10)
            #expect(try await Self.hits(admin, "parcels hel").count == 10)
            // The next server on this database rebuilds the list and trusts it again.
            let second = try await TestServer.start { $0.databasePath = first.config.databasePath }
            let again = try await TestClient.connect(url: second.url, token: try await second.user("root2", role: .admin))
            let (terms, stale) = try await second.store.sqlitePool!.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM kb_terms WHERE term IN ('zollamt', 'parcels')") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM meta WHERE key = 'kb_terms_stale'") ?? 0)
            }
            #expect(terms == 2 && stale == 0)
            #expect(try await Self.hits(again, "zolla").count == 10)
            #expect(try await Self.hits(admin, "parcels held").count == 10)
            await second.stop()
        }
    }
}
