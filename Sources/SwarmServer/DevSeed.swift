import Foundation
import SwarmProtocol
import SwarmStore

/// A demo team so a newcomer can try Swarm in a minute: users of every role, a public and a
/// private channel, and a fresh token for each user written to `dev-tokens.txt` (mode 0600)
/// beside the database. On a restart every earlier token of the demo users is revoked.
public enum DevSeed {
    public static let users: [(name: String, role: Role, skills: [String])] = [
        ("admin", .admin, []),
        ("alice", .agent, ["billing", "refunds"]),
        ("bob", .agent, ["returns", "shipping"]),
        ("carol", .lead, ["billing", "escalations"]),
        ("dave", .product, ["ios-app", "pricing"]),
        ("erin", .marketing, ["social", "campaigns"]),
        ("zendesk-bot", .bot, []),
    ]
    /// The scopes of the demo bot's token, as README's `swarmd admin bot add` gives them.
    public static let botScopes: [Op] = [.caseInteraction, .caseLinkTicket]
    public static let botChannels = ["support*"]

    @discardableResult
    public static func run(store: SQLiteStore, tokenFile: String) async throws -> [(String, String)] {
        var tokens: [(String, String)] = []
        let existing = Set(try await store.listUsers().map(\.name))
        for u in users {
            if existing.contains(u.name) {
                // A restart with --dev-seed: the earlier demo tokens stop working, so the printed
                // tokens and dev-tokens.txt are exactly the live ones.
                tokens.append((u.name, try await store.replaceTokens(user: u.name, label: "dev-seed")))
            } else {
                tokens.append((u.name, try await store.createUser(name: u.name, role: u.role, skills: u.skills).1))
            }
        }
        // The README's bot example (`curl … /v1/cases/interactions`) runs with the seeded token.
        _ = try await store.setBotScopes(name: "zendesk-bot", scopes: botScopes.map(\.rawValue), channels: botChannels)
        let owner = try await store.principal("admin")
        let channels = Set(try await store.listChannels(owner).map(\.name))
        if !channels.contains("general") {
            _ = try await store.createChannel(owner, ChannelCreateRequest(name: "general", kind: .public, topic: "Everyone",
                                                                          members: ["alice", "bob", "carol", "dave", "erin"]))
        }
        if !channels.contains("support-billing") {
            _ = try await store.createChannel(owner, ChannelCreateRequest(name: "support-billing", kind: .private, topic: "Billing cases",
                                                                          members: ["alice", "carol", "dave", "zendesk-bot"]))
        }
        if !channels.contains("support") {
            _ = try await store.createChannel(owner, ChannelCreateRequest(name: "support", kind: .public, topic: "Intake: new customer contacts open cases here",
                                                                          members: ["alice", "bob", "carol", "erin"]))
        }
        try await seedCaseAndArticles(store)
        let text = tokens.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n") + "\n"
        // On PostgreSQL nothing else creates the data directory.
        try? FileManager.default.createDirectory(atPath: (tokenFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: tokenFile, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SwarmError(.internal, "cannot write \(tokenFile)")
        }
        // createFile keeps the mode of a file that already exists (say, 0644 from an old version).
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        return tokens
    }

    /// One open case with a customer history, and two approved articles, so `/case brief CS1` and
    /// `/kb search refund` show something on a fresh server. Skipped when cases or articles exist.
    static func seedCaseAndArticles(_ store: SQLiteStore) async throws {
        let alice = try await store.principal("alice")
        let carol = try await store.principal("carol")
        if try await store.listCases(carol, CaseListRequest(limit: 1)).cases.isEmpty {
            let maria = Identity(channel: .whatsapp, handle: "+39 333 123 4567")
            let c = try await store.openCase(alice, CaseOpenRequest(title: "Refund for order 5512 not received", identity: maria, customerName: "Maria Rossi",
                                                                    channel: "#support-billing", priority: .high, sourceChannel: .whatsapp,
                                                                    tickets: [TicketRef(system: "zendesk", key: "ZD-881")], tags: ["refund"]), slaHours: 24)
            _ = try await store.interaction(alice, InteractionRequest(caseId: c.id, channel: .whatsapp, direction: .inbound,
                                                                      text: "Hi, I returned order 5512 two weeks ago and the refund never arrived.", externalId: "seed-wa-1"),
                                            intakeChannel: "support", slaHours: 24)
            _ = try await store.interaction(alice, InteractionRequest(caseId: c.id, identity: Identity(channel: .email, handle: "maria.rossi@example.com"),
                                                                      channel: .email, direction: .inbound, text: "Any news on my refund? I paid with Visa.",
                                                                      externalId: "seed-mail-1"), intakeChannel: "support", slaHours: 24)
            _ = try await store.fact(alice, CaseFactRequest(caseId: c.id, key: "order_number", value: "5512", source: "whatsapp"))
        }
        if try await store.listArticles(carol, KBListRequest(limit: 1), editorSkill: "knowledge-editor").articles.isEmpty {
            let articles = [
                KBCreateRequest(title: "Refund to the original card", body: "Refunds go back to the card used for the order within 5 business days of the return scan.",
                                tags: ["refund", "billing"], language: "en"),
                KBCreateRequest(title: "Perché il rimborso è in ritardo", body: "Il rimborso arriva sulla carta usata per l'ordine entro 5 giorni lavorativi dalla scansione del reso.",
                                tags: ["rimborso"], language: "it"),
            ]
            for request in articles {
                let a = try await store.createArticle(carol, request)
                _ = try await store.setArticleState(carol, KBStateRequest(article: a.id, state: .approved), editorSkill: "knowledge-editor")
            }
        }
    }
}
