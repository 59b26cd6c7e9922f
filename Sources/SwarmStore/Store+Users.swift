import Foundation
import SwarmCore
import SwarmProtocol

extension SQLiteStore {
    /// The principal for a bearer token, or nil when the token is unknown, revoked or its user
    /// deactivated.
    public func authenticate(token: String) async throws -> (Principal, User)? {
        try await authenticate(token: token, forSession: false).map { ($0.principal, $0.user) }
    }

    /// `authenticate`, the event log's head (`head()`) and how far retention pruned it, in one
    /// statement, which needs no transaction around it: a `hello` needs all three, and on
    /// PostgreSQL each statement costs thread hand-offs and a round trip (a hello sent four and
    /// waited for three answers, six and five with `after`; now one).
    public func authenticateSession(token: String) async throws -> SessionStart? {
        try await authenticate(token: token, forSession: true)
    }

    public struct SessionStart: Sendable {
        public var principal: Principal
        public var user: User
        /// The log's head as the token was read.
        public var head: Int64
        /// Highest seq removed by retention, in the same snapshot.
        public var prunedThrough: Int64
    }

    private func authenticate(token: String, forSession: Bool) async throws -> SessionStart? {
        guard token.utf8.count <= 256 else { return nil }
        let hash = TokenSecrets.hash(token)
        let sql = forSession ? TokenReads.sessionStart : TokenReads.principal
        return try await readStatement { db in
            guard let row = try db.fetchOne(sql, [hash]) else { return nil }
            let user = Rows.user(row)
            let ops = (row["scopes"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
            let channels = (row["channel_patterns"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
            let scope = TokenScope(ops: ops.map(Set.init), channels: channels)
            let principal = Principal(id: row["id"], name: row["name"], role: user.role, tokenId: row["token_id"], scope: scope)
            guard forSession else { return SessionStart(principal: principal, user: user, head: 0, prunedThrough: 0) }
            // `pruneEvents` keeps its cut in `meta` as text.
            let pruned = (row["log_pruned_through"] as String?).flatMap { Int64($0) } ?? 0
            // Retention may have removed every event (an idle server): the log still went that far.
            let head = max(row["log_head"] as Int64, pruned)
            return SessionStart(principal: principal, user: user, head: head, prunedThrough: pruned)
        }
    }

    /// Whether a token is still usable: not revoked, its user not deactivated. One indexed read;
    /// the server calls it only after a revocation was seen, not per request.
    public func isTokenLive(id: Int64) async throws -> Bool {
        try await readStatement { db in
            try db.fetchOne(Bool.self, TokenReads.live, [id]) ?? false
        }
    }

    /// Creates a user and a first token (returned once).
    public func createUser(name: String, role: Role, displayName: String? = nil, skills: [String] = []) async throws -> (User, String) {
        let name = Names.strip(name).lowercased()
        guard Names.isValid(name, maxLength: 32) else { throw SwarmError.badRequest("user names are 1–32 of a-z 0-9 . _ -") }
        let cleanSkills = try Self.validSkills(skills)
        let token = TokenSecrets.generate()
        let user = try await write { tx in
            let db = tx.db
            if try db.fetchOne(Bool.self, "SELECT 1 FROM users WHERE name = ?", [name]) == true {
                throw SwarmError.conflict("user \(name) exists")
            }
            let skillsJSON = String(decoding: try JSONEncoder().encode(cleanSkills), as: UTF8.self)
            try db.execute("INSERT INTO users(name, display_name, role, skills, created_at) VALUES (?, ?, ?, ?, ?)", [name, displayName, role.rawValue, skillsJSON, Timestamp.now()])
            let id = try db.lastInsertedRowID
            try Self.insertToken(db, user: id, token: token, label: "created")
            return User(id: Ids.make(.user, id), name: name, displayName: displayName, role: role, skills: cleanSkills)
        }
        return (user, token)
    }

    /// Issues another token for an existing user (returned once).
    public func issueToken(user ref: String, label: String?) async throws -> String {
        let token = TokenSecrets.generate()
        try await write { tx in
            let row = try Rows.userRow(tx.db, ref: ref)
            try Self.insertToken(tx.db, user: row["id"], token: token, label: label)
        }
        return token
    }

    /// Revokes every live token of a user. The `token.revoked` event closes their open sessions.
    public func revokeTokens(user ref: String) async throws -> Int {
        try await write { tx in
            let row = try Rows.userRow(tx.db, ref: ref)
            let userId: Int64 = row["id"]
            let ids = try tx.db.fetchAll(Int64.self, "SELECT id FROM tokens WHERE user_id = ? AND revoked_at IS NULL", [userId])
            guard !ids.isEmpty else { return 0 }
            try tx.db.execute("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [Timestamp.now(), userId])
            try tx.append(.tokenRevoked, channel: nil, user: userId, TokenRevokedEvent(user: Ids.make(.user, userId), tokens: ids.map { Ids.make(.token, $0) }))
            return ids.count
        }
    }

    /// Revokes every live token of a user and issues one new token, in one transaction, so the
    /// new one is the only one that works (`serve --dev-seed` on a restart). Returned once.
    public func replaceTokens(user ref: String, label: String?) async throws -> String {
        let token = TokenSecrets.generate()
        try await write { tx in
            let userId: Int64 = try Rows.userRow(tx.db, ref: ref)["id"]
            let ids = try tx.db.fetchAll(Int64.self, "SELECT id FROM tokens WHERE user_id = ? AND revoked_at IS NULL", [userId])
            if !ids.isEmpty {
                try tx.db.execute("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [Timestamp.now(), userId])
                try tx.append(.tokenRevoked, channel: nil, user: userId, TokenRevokedEvent(user: Ids.make(.user, userId), tokens: ids.map { Ids.make(.token, $0) }))
            }
            try Self.insertToken(tx.db, user: userId, token: token, label: label)
        }
        return token
    }

    public func listUsers() async throws -> [User] {
        try await read { db in
            try db.fetchAll("SELECT * FROM users WHERE deactivated_at IS NULL ORDER BY name").map(Rows.user)
        }
    }

    /// Acting as a user without a token (admin CLI, dev seed).
    public func principal(_ ref: String) async throws -> Principal {
        try await read { db in
            let row = try Rows.userRow(db, ref: ref)
            return Principal(id: row["id"], name: row["name"], role: Rows.user(row).role)
        }
    }

    public func user(_ ref: String) async throws -> User {
        try await read { db in Rows.user(try Rows.userRow(db, ref: ref)) }
    }

    static func insertToken(_ db: SQLDB, user: Int64, token: String, label: String?, scope: TokenScope = .unlimited) throws {
        let ops = try scope.ops.map { String(decoding: try JSONEncoder().encode($0.sorted()), as: UTF8.self) }
        let channels = try scope.channels.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try db.execute("INSERT INTO tokens(user_id, hash, label, created_at, scopes, channel_patterns) VALUES (?, ?, ?, ?, ?, ?)", [user, TokenSecrets.hash(token), label, Timestamp.now(), ops, channels])
    }

    /// A bot user and its scoped token (`swarmd admin bot add`). Scopes must be ops a bot may be
    /// given; channel patterns use `*` (`support-*`).
    public func createBot(name: String, scopes: [String], channels: [String]) async throws -> (User, String) {
        let scope = try Self.botScope(scopes, channels: channels)
        let (user, _) = try await createUser(name: name, role: .bot)
        let token = TokenSecrets.generate()
        try await write { tx in
            let id = try Ids.require(.user, user.id, field: "user")
            try tx.db.execute("UPDATE tokens SET revoked_at = ? WHERE user_id = ?", [Timestamp.now(), id])
            try Self.insertToken(tx.db, user: id, token: token, label: "bot", scope: scope)
        }
        return (user, token)
    }

    static func validSkills(_ skills: [String]) throws -> [String] {
        let clean = skills.map { $0.lowercased() }.filter { !$0.isEmpty }
        guard clean.count <= 32, clean.allSatisfy({ Names.isValid($0, maxLength: 32) }) else {
            throw SwarmError.badRequest("skills are up to 32 names of a-z 0-9 . _ -")
        }
        return Array(Set(clean)).sorted()
    }
}
