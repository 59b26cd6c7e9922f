import Foundation
import SwarmCore
import SwarmProtocol

/// SQLRow → wire model conversions and the lookups every family needs.
struct ChannelRow: Sendable {
    var id: Int64
    var name: String
    var kind: ChannelKind
    var topic: String?
    var createdBy: Int64?
    var createdAt: String

    init(id: Int64, name: String, kind: ChannelKind, topic: String?, createdBy: Int64?, createdAt: String) {
        self.id = id
        self.name = name
        self.kind = kind
        self.topic = topic
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    init(row: SQLRow) {
        id = row["id"]
        name = row["name"]
        kind = ChannelKind(rawValue: row["kind"]) ?? .private
        topic = row["topic"]
        createdBy = row["created_by"]
        createdAt = row["created_at"]
    }

    func model(member: Bool? = nil) -> Channel {
        Channel(id: Ids.make(.channel, id), name: name, kind: kind, topic: topic,
                createdBy: createdBy.map { Ids.make(.user, $0) }, createdAt: createdAt, member: member)
    }
}

enum Rows {
    static let messageSelect = """
        SELECT m.id, m.channel_id, m.author_id, m.body, m.thread_id, m.reply_count, m.mentions,
               m.created_at, m.edited_at, m.deleted_at, m.card, m.mark, u.name AS author_name
        FROM messages m JOIN users u ON u.id = m.author_id
        """

    static func user(_ row: SQLRow) -> User {
        let skills = (try? JSONDecoder().decode([String].self, from: Data((row["skills"] as String? ?? "[]").utf8))) ?? []
        return User(id: Ids.make(.user, row["id"]), name: row["name"], displayName: row["display_name"],
                    role: Role(rawValue: row["role"]) ?? .agent, skills: skills)
    }

    static func message(_ row: SQLRow) -> Message {
        let mentions = (try? JSONDecoder().decode([String].self, from: Data((row["mentions"] as String).utf8))) ?? []
        let threadId: Int64? = row["thread_id"]
        return Message(
            id: Ids.make(.message, row["id"]), channel: Ids.make(.channel, row["channel_id"]),
            author: Ids.make(.user, row["author_id"]), authorName: row["author_name"], body: row["body"],
            thread: threadId.map { Ids.make(.message, $0) }, replyCount: row["reply_count"], mentions: mentions,
            createdAt: row["created_at"], editedAt: row["edited_at"], deleted: (row["deleted_at"] as String?) != nil,
            card: (row["card"] as String?).flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }, mark: row["mark"])
    }

    static func channel(_ db: SQLDB, ref: String) throws -> ChannelRow {
        let row: SQLRow?
        if let id = Ids.parse(.channel, ref) {
            row = try db.fetchOne("SELECT * FROM channels WHERE id = ?", [id])
        } else {
            row = try db.fetchOne("SELECT * FROM channels WHERE name = ?", [Names.strip(ref).lowercased()])
        }
        guard let row else { throw SwarmError.notFound("no such channel: \(ref.prefix(64))") }
        return ChannelRow(row: row)
    }

    /// The channel and whether `user` is a member, in one statement (the post path's two reads).
    static func channel(_ db: SQLDB, ref: String, member user: Int64) throws -> (ChannelRow, isMember: Bool) {
        let member = "(SELECT 1 FROM members m WHERE m.channel_id = c.id AND m.user_id = ?) AS is_member"
        let row: SQLRow?
        if let id = Ids.parse(.channel, ref) {
            row = try db.fetchOne("SELECT c.*, \(member) FROM channels c WHERE c.id = ?", [user, id])
        } else {
            row = try db.fetchOne("SELECT c.*, \(member) FROM channels c WHERE c.name = ?", [user, Names.strip(ref).lowercased()])
        }
        guard let row else { throw SwarmError.notFound("no such channel: \(ref.prefix(64))") }
        return (ChannelRow(row: row), (row["is_member"] as Int64?) != nil)
    }

    static func isMember(_ db: SQLDB, channel: Int64, user: Int64) throws -> Bool {
        try db.fetchOne(Bool.self, "SELECT 1 FROM members WHERE channel_id = ? AND user_id = ?", [channel, user]) ?? false
    }

    /// The channel, if the principal may read it; `forbidden` otherwise.
    static func readableChannel(_ db: SQLDB, ref: String, by p: Principal) throws -> ChannelRow {
        let ch = try channel(db, ref: ref)
        guard Permissions.mayRead(kind: ch.kind, isMember: try isMember(db, channel: ch.id, user: p.id)) else {
            throw SwarmError.forbidden("not a member of this channel")
        }
        return ch
    }

    static func userRow(_ db: SQLDB, ref: String) throws -> SQLRow {
        let row: SQLRow?
        if let id = Ids.parse(.user, ref) {
            row = try db.fetchOne("SELECT * FROM users WHERE id = ? AND deactivated_at IS NULL", [id])
        } else {
            row = try db.fetchOne("SELECT * FROM users WHERE name = ? AND deactivated_at IS NULL", [Names.strip(ref).lowercased()])
        }
        guard let row else { throw SwarmError.notFound("no such user: \(ref.prefix(64))") }
        return row
    }

    static func messageRow(_ db: SQLDB, ref: String) throws -> SQLRow {
        let id = try Ids.require(.message, ref, field: "message")
        guard let row = try db.fetchOne(Rows.messageSelect + " WHERE m.id = ?", [id]) else {
            throw SwarmError.notFound("no such message: \(ref.prefix(64))")
        }
        return row
    }
}
