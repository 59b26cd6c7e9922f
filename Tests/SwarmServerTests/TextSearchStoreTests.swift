import Foundation
import SwarmProtocol
import SwarmStore
import Testing

/// The search contract at the store, on the test's backend (SWARM_TEST_POSTGRES_URL for
/// PostgreSQL): the same calls the ops make, without a socket in between.
@Suite("Text search at the store", .hangGuard)
struct TextSearchStoreTests {
    @Test("kb.search: title and tags first, prefix, accents, filters, highlights; drafts unseen; suggest any word")
    func kb() async throws {
        try await withServer { server in
            let store = server.store
            _ = try await server.user("lena", role: .lead)
            let lead = try await store.principal("lena")
            func approved(_ r: KBCreateRequest) async throws -> String {
                let a = try await store.createArticle(lead, r)
                _ = try await store.setArticleState(lead, KBStateRequest(article: a.id, state: .approved), editorSkill: "knowledge-editor")
                return a.id
            }
            let refund = try await approved(KBCreateRequest(title: "Refund to the original card", body: "Refunds go back to the card within 5 business days.",
                                                            tags: ["billing"], language: "en"))
            let perche = try await approved(KBCreateRequest(title: "Perché il rimborso è in ritardo", body: "Fino a dieci giorni.", tags: ["rimborso"], language: "it"))
            let parcel = try await approved(KBCreateRequest(title: "Parcel tracking", body: "When a refund is late, check example.com for version 1.5.",
                                                            tags: ["shipping"], language: "en"))
            _ = try await store.createArticle(lead, KBCreateRequest(title: "Refund draft", body: "refund"))
            func hits(_ q: String, tags: [String]? = nil, language: String? = nil) async throws -> [String] {
                try await store.searchArticles(lead, KBSearchRequest(query: q, tags: tags, language: language)).results.map(\.id)
            }
            #expect(try await hits("refund") == [refund, parcel], "title first, then the body match; the draft unseen")
            #expect(try await hits("trac") == [parcel])
            #expect(try await hits("PERCHE rimb") == [perche])
            #expect(try await hits("shipping") == [parcel])
            #expect(try await hits("example 1.5") == [parcel])
            #expect(try await hits("ritardo", tags: ["rimborso"], language: "IT") == [perche])
            #expect(try await hits("refund", language: "it").isEmpty)
            #expect(try await hits("refund zzzyx").isEmpty)
            #expect(try await hits("refund' | !perche:*").isEmpty, "quotes and operators are not operators")
            let reply = try await store.searchArticles(lead, KBSearchRequest(query: "perché"))
            #expect(reply.results.first?.titleHighlight == "**Perché** il rimborso è in ritardo")
            let body = try await store.searchArticles(lead, KBSearchRequest(query: "refund lat")).results
            #expect(body.map(\.id) == [parcel] && body.first?.snippet == "When a **refund** is **late**, check example.com for version 1.5.")
        }
    }

    @Test("search: readable messages only, accents, prefix, edits and deletes at once, snippets marked")
    func messages() async throws {
        try await withServer { server in
            let store = server.store
            _ = try await server.user("alice")
            _ = try await server.user("bob")
            let alice = try await store.principal("alice")
            let bob = try await store.principal("bob")
            let open = try await store.createChannel(alice, ChannelCreateRequest(name: "general"))
            let secret = try await store.createChannel(alice, ChannelCreateRequest(name: "secret", kind: .private))
            let m = try await store.post(alice, MessagePostRequest(channel: open.id, body: "Il pacco è in dogana a Milano"))
            _ = try await store.post(alice, MessagePostRequest(channel: open.id, body: "dogana dogana dogana, again"))
            let gone = try await store.post(alice, MessagePostRequest(channel: open.id, body: "dogana note to delete"))
            _ = try await store.post(alice, MessagePostRequest(channel: secret.id, body: "dogana private note"))
            func bodies(_ p: Principal, _ q: String) async throws -> [String] {
                try await store.search(p, SearchRequest(query: q)).results.map(\.message.body)
            }
            let found = try await bodies(bob, "dogana")
            #expect(found.count == 3 && found.first == "dogana dogana dogana, again", "\(found)")
            #expect(try await bodies(alice, "dogana").count == 4)
            #expect(try await bodies(bob, "PACCO E dog") == ["Il pacco è in dogana a Milano"])
            let marked = try await store.search(bob, SearchRequest(query: "pacco dog")).results
            #expect(marked.map(\.snippet) == ["Il **pacco** è in **dogana** a Milano"])
            _ = try await store.delete(alice, MessageRef(message: gone.id))
            #expect(try await bodies(bob, "dogana").count == 2)
            _ = try await store.edit(alice, MessageEditRequest(message: m.id, body: "Il pacco è arrivato a Torino"))
            #expect(try await bodies(bob, "dogana") == ["dogana dogana dogana, again"])
            let hit = try await store.search(bob, SearchRequest(query: "arrivato tor")).results
            #expect(hit.map(\.snippet) == ["Il pacco è **arrivato** a **Torino**"])
        }
    }
}
