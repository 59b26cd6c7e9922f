import Foundation
import SwarmCore
import SwarmProtocol

/// Bot token scopes (`swarmd admin bot add|scopes`): which ops and channels a bot token may use.
extension SQLiteStore {
    /// The scope a bot token gets, checked against the ops a bot may ever hold (`BotScopes`);
    /// channel patterns use `*` (`support-*`), none meaning every channel.
    static func botScope(_ scopes: [String], channels: [String]) throws -> TokenScope {
        let allowed = Set(BotScopes.scopable.map(\.rawValue))
        guard !scopes.isEmpty else { throw SwarmError.badRequest("a bot needs at least one scope") }
        if let bad = scopes.first(where: { !allowed.contains($0) }) {
            throw SwarmError.badRequest("\(bad) cannot be given to a bot; allowed: \(allowed.sorted().joined(separator: ","))")
        }
        guard channels.allSatisfy({ !$0.isEmpty && $0.count <= 64 }) else { throw SwarmError.badRequest("channel patterns are 1–64 characters") }
        return TokenScope(ops: Set(scopes), channels: channels.isEmpty ? nil : channels)
    }

    /// Replaces the scopes and channel patterns of every live token of an existing bot, so a bot
    /// made without scopes (or with the wrong ones) can be fixed without a new token. Sessions
    /// already connected keep the scope they said hello with until they reconnect. Returns the
    /// bot and how many tokens changed.
    public func setBotScopes(name: String, scopes: [String], channels: [String]) async throws -> (User, tokens: Int) {
        let scope = try Self.botScope(scopes, channels: channels)
        let ops = try scope.ops.map { String(decoding: try JSONEncoder().encode($0.sorted()), as: UTF8.self) }
        let patterns = try scope.channels.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await write { tx in
            let row = try Rows.userRow(tx.db, ref: name)
            let user = Rows.user(row)
            guard user.role == .bot else { throw SwarmError.badRequest("\(user.name) is a \(user.role.rawValue), not a bot; only bot tokens carry scopes") }
            try tx.db.execute("UPDATE tokens SET scopes = ?, channel_patterns = ? WHERE user_id = ? AND revoked_at IS NULL", [ops, patterns, row["id"]])
            return (user, tx.db.changesCount)
        }
    }
}
