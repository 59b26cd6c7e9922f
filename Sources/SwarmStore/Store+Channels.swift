import Foundation
import SwarmCore
import SwarmProtocol

extension SQLiteStore {
    public func createChannel(_ p: Principal, _ req: ChannelCreateRequest) async throws -> Channel {
        let name = Names.strip(req.name).lowercased()
        guard Names.isValid(name) else { throw SwarmError.badRequest("channel names are 1–64 of a-z 0-9 . _ -") }
        let kind = req.kind ?? .public
        guard kind != .dm, !name.hasPrefix("dm.") else { throw SwarmError.badRequest("use dm.open for direct messages (names starting with dm. are reserved)") }
        guard Permissions.mayCreateChannel(p.role) else { throw SwarmError.forbidden("\(p.role.rawValue) may not create channels") }
        if let topic = req.topic, topic.count > 512 { throw SwarmError.badRequest("topic is at most 512 characters") }
        let members = req.members ?? []
        guard members.count <= 1000 else { throw SwarmError.badRequest("at most 1000 initial members") }
        return try await write { tx in
            try self.idempotent(tx, user: p.id, key: req.idempotencyKey, op: .channelCreate) {
                let db = tx.db
                if try db.fetchOne(Bool.self, "SELECT 1 FROM channels WHERE name = ?", [name]) == true {
                    throw SwarmError.conflict("channel \(name) exists")
                }
                let row = try Self.insertChannel(tx, name: name, kind: kind, topic: req.topic, by: p.id)
                try Self.addMember(tx, channel: row, user: p.id, by: p.id)
                for ref in members {
                    let uid: Int64 = try Rows.userRow(db, ref: ref)["id"]
                    try Self.addMember(tx, channel: row, user: uid, by: p.id)
                }
                return row.model(member: true)
            }
        }
    }

    /// Public channels and every channel the caller is in.
    public func listChannels(_ p: Principal) async throws -> [Channel] {
        try await read { db in
            try db.fetchAll("""
                SELECT c.*, (m.user_id IS NOT NULL) AS is_member FROM channels c
                LEFT JOIN members m ON m.channel_id = c.id AND m.user_id = ?
                WHERE c.kind = 'public' OR m.user_id IS NOT NULL ORDER BY c.name
                """, [p.id]).map { ChannelRow(row: $0).model(member: $0["is_member"]) }
        }
    }

    public func joinChannel(_ p: Principal, ref: String) async throws -> Channel {
        try await write { tx in
            let ch = try Rows.channel(tx.db, ref: ref)
            if try Rows.isMember(tx.db, channel: ch.id, user: p.id) { return ch.model(member: true) }
            guard Permissions.mayJoin(kind: ch.kind, role: p.role) else { throw SwarmError.forbidden("this channel is invite-only") }
            try Self.addMember(tx, channel: ch, user: p.id, by: p.id)
            return ch.model(member: true)
        }
    }

    public func leaveChannel(_ p: Principal, ref: String) async throws {
        try await write { tx in
            let ch = try Rows.channel(tx.db, ref: ref)
            guard ch.kind != .dm else { throw SwarmError.badRequest("direct messages cannot be left") }
            guard try Rows.isMember(tx.db, channel: ch.id, user: p.id) else { throw SwarmError.notFound("not a member") }
            // Appended before the row goes, so the leaver's own sessions still receive it.
            try tx.append(.memberLeft, channel: ch.id, user: p.id, MemberEvent(channel: Ids.make(.channel, ch.id), user: p.userId, by: p.userId))
            try tx.db.execute("DELETE FROM members WHERE channel_id = ? AND user_id = ?", [ch.id, p.id])
        }
    }

    public func invite(_ p: Principal, channel ref: String, user userRef: String) async throws -> Channel {
        try await write { tx in
            let ch = try Rows.channel(tx.db, ref: ref)
            let inviterIsMember = try Rows.isMember(tx.db, channel: ch.id, user: p.id)
            guard Permissions.mayInvite(kind: ch.kind, inviterIsMember: inviterIsMember, role: p.role) else {
                throw SwarmError.forbidden("you may not invite into this channel")
            }
            let uid: Int64 = try Rows.userRow(tx.db, ref: userRef)["id"]
            if try !Rows.isMember(tx.db, channel: ch.id, user: uid) {
                try Self.addMember(tx, channel: ch, user: uid, by: p.id)
            }
            return ch.model(member: inviterIsMember)
        }
    }

    public func members(_ p: Principal, channel ref: String) async throws -> [User] {
        try await read { db in
            let ch = try Rows.readableChannel(db, ref: ref, by: p)
            return try db.fetchAll("""
                SELECT u.* FROM members m JOIN users u ON u.id = m.user_id WHERE m.channel_id = ? ORDER BY u.name
                """, [ch.id]).map(Rows.user)
        }
    }

    /// The direct-message channel between the caller and another user, created on first use.
    public func openDM(_ p: Principal, with userRef: String) async throws -> Channel {
        try await write { tx in
            let other: Int64 = try Rows.userRow(tx.db, ref: userRef)["id"]
            let (a, b) = (min(p.id, other), max(p.id, other))
            let name = "dm.\(a).\(b)"
            if let row = try tx.db.fetchOne("SELECT * FROM channels WHERE name = ? AND kind = 'dm'", [name]) {
                return ChannelRow(row: row).model(member: true)
            }
            let ch = try Self.insertChannel(tx, name: name, kind: .dm, topic: nil, by: p.id)
            try Self.addMember(tx, channel: ch, user: p.id, by: p.id)
            if other != p.id { try Self.addMember(tx, channel: ch, user: other, by: p.id) }
            return ch.model(member: true)
        }
    }

    /// All (channel, user) pairs, for the hub's routing table at start-up.
    public func allMemberships() async throws -> [(channel: Int64, user: Int64)] {
        try await read { db in
            try db.fetchAll("SELECT channel_id, user_id FROM members").map { ($0["channel_id"], $0["user_id"]) }
        }
    }

    static func insertChannel(_ tx: WriteTx, name: String, kind: ChannelKind, topic: String?, by: Int64) throws -> ChannelRow {
        let now = Timestamp.now()
        try tx.db.execute("INSERT INTO channels(name, kind, topic, created_by, created_at) VALUES (?, ?, ?, ?, ?)", [name, kind.rawValue, topic, by, now])
        return ChannelRow(id: try tx.db.lastInsertedRowID, name: name, kind: kind, topic: topic, createdBy: by, createdAt: now)
    }

    static func addMember(_ tx: WriteTx, channel: ChannelRow, user: Int64, by: Int64) throws {
        let last = try tx.db.fetchOne(Int64.self, "SELECT COALESCE(MAX(id), 0) FROM messages WHERE channel_id = ?", [channel.id]) ?? 0
        try tx.db.execute("INSERT INTO members(channel_id, user_id, joined_at, last_read) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [channel.id, user, Timestamp.now(), last])
        guard tx.db.changesCount > 0 else { return }   // already a member: nothing happened
        try tx.append(.memberJoined, channel: channel.id, user: user,
                      MemberEvent(channel: Ids.make(.channel, channel.id), user: Ids.make(.user, user), by: Ids.make(.user, by)))
    }
}
