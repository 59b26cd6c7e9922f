import Foundation
import SwarmProtocol
import SwarmStore

/// A demo team so a newcomer can try Swarm in a minute: users of every role, a public and a
/// private channel, and a fresh token for each user written to `dev-tokens.txt` (mode 0600)
/// beside the database.
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

    @discardableResult
    public static func run(store: SQLiteStore, tokenFile: String) async throws -> [(String, String)] {
        var tokens: [(String, String)] = []
        let existing = Set(try await store.listUsers().map(\.name))
        for u in users {
            if existing.contains(u.name) {
                tokens.append((u.name, try await store.issueToken(user: u.name, label: "dev-seed")))
            } else {
                tokens.append((u.name, try await store.createUser(name: u.name, role: u.role, skills: u.skills).1))
            }
        }
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
        let text = tokens.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n") + "\n"
        guard FileManager.default.createFile(atPath: tokenFile, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SwarmError(.internal, "cannot write \(tokenFile)")
        }
        return tokens
    }
}
