import Foundation
import SwarmCore
import SwarmProtocol
import SwarmStore
import Testing

/// PROTOCOL §18.2 lets scoped bots use the knowledge base on their cases; `swarmd admin bot add`
/// must hand out those scopes (one list, `BotScopes`) and the bot must be able to use them.
@Suite("Bots with knowledge-base scopes", .hangGuard)
struct BotKBScopeTests {
    @Test("the scopable list holds the read-side kb ops and none a bot may never have")
    func scopableList() {
        #expect(BotScopes.kbOps.isSubset(of: BotScopes.scopable))
        let never: Set<Op> = [.customerMerge, .caseHelpers, .caseSwarm, .caseJoin, .caseHandoff, .kbCreate, .kbUpdate, .kbState, .kbCapture, .userCreate, .channelCreate]
        #expect(BotScopes.scopable.isDisjoint(with: never))
    }

    @Test("admin bot add --scopes kb.search,kb.get,kb.render,kb.share works; the bot searches, renders and shares on a case in its channel, and still writes no article")
    func kbBotOverSocket() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let article = try await lead.request(.kbCreate, KBCreateRequest(title: "Parcel tracking", body: "Check the parcel tracking page for the return.",
                                                                            language: "en", audience: .customer,
                                                                            replyTemplate: "Hi {{customer.first_name}}, we are on it."), as: Article.self)
            _ = try await lead.request(.kbState, KBStateRequest(article: article.id, state: .approved), as: Article.self)
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Where is my parcel", identity: Identity(channel: .email, handle: "maria@example.com"),
                                                                      customerName: "Maria Rossi", channel: "#support"), as: Case.self)

            let db = server.config.databasePath
            let add = try ChildServer.run(["admin", "bot", "add", "kb-bot", "--scopes", "kb.search,kb.get,kb.render,kb.share", "--channels", "support*", "--db", db])
            #expect(add.status == 0, "\(add.output)")
            let token = try #require(add.output.split(separator: "\n").first { $0.hasPrefix("token: ") }.map { String($0.dropFirst(7)) }, "\(add.output)")
            let bot = try await TestClient.connect(url: server.url, token: token)

            let found = try await bot.request(.kbSearch, KBSearchRequest(query: "tracking"), as: KBSearchReply.self)
            #expect(found.results.map(\.id) == [article.id])
            #expect(try await bot.request(.kbGet, KBGetRequest(article: article.id), as: KBGetReply.self).article.id == article.id)
            let rendered = try await bot.request(.kbRender, KBRenderRequest(article: article.id, caseId: c.id), as: KBRenderReply.self)
            #expect(rendered.text == "Hi Maria, we are on it.")
            let shared = try await bot.request(.kbShare, KBShareRequest(article: article.id, caseId: c.id), as: Message.self)
            try await lead.event("message.new") { $0.data?["id"]?.string == shared.id }
            // Outside its scopes: an op it was not given, and kb writes it can never be given.
            #expect(try await bot.refusal(.kbList, KBListRequest(limit: 5)) == .forbidden)
            #expect(try await bot.refusal(.kbCreate, KBCreateRequest(title: "Bot article", body: "no")) == .forbidden)
            let refused = try ChildServer.runCapturingErrors(["admin", "bot", "add", "kb-writer", "--scopes", "kb.search,kb.create", "--db", db])
            #expect(refused.status != 0 && (refused.output + refused.errors).contains("kb.create"), "\(refused.output) \(refused.errors)")
            #expect(try await server.store.listUsers().map(\.name).contains("kb-writer") == false)
        }
    }
}
