import Foundation
import SwarmProtocol
import SwarmServer
import Testing

/// `swarmd admin bot scopes`: scopes for an existing bot, and the seeded demo bot that can run the
/// README's bot example.
@Suite("swarmd admin bot scopes", .hangGuard)
struct AdminBotScopesTests {
    func contact(_ n: Int) -> InteractionRequest {
        InteractionRequest(identity: Identity(channel: .webchat, handle: "visitor-\(n)"), channel: .webchat, direction: .inbound, text: "Open on Sunday?",
                           externalId: "chat-\(n)")
    }

    @Test("a bot without scopes gets them with the same token; bad scopes, non-bots and unknown names are refused")
    func scopesForAnExistingBot() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let token = try await server.user("plain-bot", role: .bot)
            let before = try await TestClient.connect(url: server.url, token: token)
            #expect(try await before.refusal(.caseInteraction, contact(1)) == .forbidden)
            await before.close()

            let db = server.config.databasePath
            let set = try ChildServer.runCapturingErrors(["admin", "bot", "scopes", "plain-bot", "--scopes", "case.interaction", "--channels", "support*", "--db", db])
            #expect(set.status == 0 && set.output.contains("scopes case.interaction; channels: support*; 1 token changed"), "\(set)")
            let after = try await TestClient.connect(url: server.url, token: token)
            #expect(try await after.request(.caseInteraction, contact(2), as: InteractionReply.self).openedCase)
            #expect(try await after.refusal(.messagePost, MessagePostRequest(channel: "#support", body: "not scoped for posting")) == .forbidden)

            let never = try ChildServer.runCapturingErrors(["admin", "bot", "scopes", "plain-bot", "--scopes", "case.handoff", "--db", db])
            #expect(never.status != 0 && never.errors.contains("case.handoff cannot be given to a bot"), "\(never)")
            let person = try ChildServer.runCapturingErrors(["admin", "bot", "scopes", "lena", "--scopes", "case.interaction", "--db", db])
            #expect(person.status != 0 && person.errors.contains("not a bot"), "\(person)")
            let nobody = try ChildServer.runCapturingErrors(["admin", "bot", "scopes", "ghost", "--scopes", "case.interaction", "--db", db])
            #expect(nobody.status != 0, "\(nobody)")
            // The refused calls changed nothing.
            #expect(try await after.request(.caseInteraction, contact(3), as: InteractionReply.self).caseId.hasPrefix("CS"))
        }
    }

    @Test("the seeded zendesk-bot may post interactions and link tickets in #support, nothing else")
    func seededBotRunsTheReadmeExample() async throws {
        try await withServer { server in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("dev-tokens-\(UUID().uuidString).txt").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let tokens = try await DevSeed.run(store: server.store, tokenFile: file)
            let token = try #require(tokens.first { $0.0 == "zendesk-bot" }?.1)
            let bot = try await TestClient.connect(url: server.url, token: token)
            let opened = try await bot.request(.caseInteraction, contact(1), as: InteractionReply.self)
            #expect(opened.openedCase)
            let linked = try await bot.request(.caseLinkTicket, CaseTicketRequest(caseId: opened.caseId, system: "zendesk", key: "ZD-900"), as: Case.self)
            #expect(linked.channelName == "support" && linked.tickets.map(\.key) == ["ZD-900"])
            #expect(try await bot.refusal(.messagePost, MessagePostRequest(channel: "#general", body: "hi")) == .forbidden)
            // A restart with --dev-seed keeps the scopes on the new token.
            let again = try await DevSeed.run(store: server.store, tokenFile: file)
            let bot2 = try await TestClient.connect(url: server.url, token: try #require(again.first { $0.0 == "zendesk-bot" }?.1))
            #expect(try await bot2.request(.caseInteraction, contact(2), as: InteractionReply.self).caseId.hasPrefix("CS"))
        }
    }
}
