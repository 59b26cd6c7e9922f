import Foundation
import SwarmCore
import SwarmProtocol

extension SQLiteStore {
    public static let maxBodyCharacters = 16_000

    public func post(_ p: Principal, _ req: MessagePostRequest) async throws -> Message {
        try await postForReply(p, req).message
    }

    /// A stored post and, when it was written just now, its JSON as logged: the reply's data,
    /// so the handler need not encode the message again.
    public struct Posted: Sendable {
        public var message: Message
        public var json: String?
    }

    /// `message.post`. Everything that needs no database happens before the job queues for the
    /// writer (the body's checks, the @names in it); in the writer the job
    /// reads and checks, then writes, as a checked job (`GroupCommitter.write(checked:)`).
    public func postForReply(_ p: Principal, _ req: MessagePostRequest) async throws -> Posted {
        let body = try Self.validBody(req.body)
        let key = try Self.validIdempotencyKey(req.idempotencyKey)
        let names = Array(Mentions.names(in: body).prefix(50))
        try Self.refuseNUL(body, key, req.channel, on: backend.dialect)
        return try await committer.write(checked: { (tx: WriteTx) throws -> (WriteTx) throws -> Posted in
            if let optimistic = try self.optimisticPost(tx, p, req, body: body, key: key, mentions: names) { return optimistic }
            // What the optimistic posts before this one wrote, this one's reads must see (its key, a
            // thread root). Should their rows fail, its read fails with the transaction aborted: the
            // group rolls back, never this post's refusal (`SQLExecutor.aborted`).
            if !tx.pendingPosts.isEmpty { try tx.pendingPosts.flush(tx.db) }
            if let key, let done: Message = try self.idempotentResult(tx, user: p.id, key: key, op: .messagePost) {
                return { _ in Posted(message: done, json: nil) }
            }
            let db = tx.db
            // A refusal here is remembered, so this author's next posts to it skip the optimistic path.
            let ch = try self.refusedPosters.noting(channel: req.channel, user: p.id) {
                let (ch, isMember) = try Rows.channel(db, ref: req.channel, member: p.id)
                guard Permissions.mayPost(isMember: isMember) else {
                    throw SwarmError.forbidden("join the channel before posting")
                }
                return ch
            }
            var threadId: Int64?
            if let thread = req.thread {
                let root = try Rows.messageRow(db, ref: thread)
                guard (root["channel_id"] as Int64) == ch.id else { throw SwarmError.badRequest("thread root is in another channel") }
                // Replies to a reply join the root's thread: threads are one level deep.
                threadId = (root["thread_id"] as Int64?) ?? (root["id"] as Int64)
            }
            let mentioned = names.isEmpty ? [] : try Self.resolveMentions(db, names: names, channel: ch)
            return { tx in
                // In a shared savepoint on PostgreSQL, an id drawn with its optimistic neighbours'.
                let (message, json) = try Self.insertMessage(tx, channel: ch.id, author: p, body: body, thread: threadId,
                                                             mentioned: mentioned, id: try tx.drawnMessageId())
                if let key { try self.recordIdempotent(tx, user: p.id, key: key, op: .messagePost, json: json) }
                return Posted(message: message, json: json)
            }
        })
    }

    /// PostgreSQL, in a batch's shared savepoint (`WriteTx.optimistic`): a plain post (a channel id,
    /// no thread, no @names) written without waiting for a single answer. Its checks ride in its
    /// statements: marking it read for its author must change the author's membership row (no row:
    /// not a member, or no such channel), and the idempotency key's row must be new. When either
    /// fails the savepoint is rolled back and the post runs again on the waiting path, which
    /// answers with the right error or the key's earlier result. Nil: take the waiting path.
    func optimisticPost(_ tx: WriteTx, _ p: Principal, _ req: MessagePostRequest, body: String, key: String?,
                        mentions names: [String]) throws -> ((WriteTx) throws -> Posted)? {
        guard tx.optimistic, names.isEmpty, req.thread == nil, let channel = Ids.parse(.channel, req.channel),
              !refusedPosters.recent(channel: channel, user: p.id),
              let id = try tx.drawnMessageId() else { return nil }
        return { tx in
            let (message, json) = try Self.insertMessage(tx, channel: channel, author: p, body: body, thread: nil, mentioned: [],
                                                         id: id, pending: true)
            if let key { tx.pendingPosts.addKey(Self.idempotencyRow(user: p.id, key: key, op: .messagePost, json: json).values) }
            return Posted(message: message, json: json)
        }
    }

    /// PostgreSQL text cannot hold NUL (SQLite's can): a post carrying one is refused before it
    /// queues, as its statement would be refused anyway, and a failed statement costs the post's
    /// batch neighbours a rerun of their group.
    static func refuseNUL(_ texts: String?..., on dialect: SQLDialect) throws {
        guard dialect == .postgres, texts.contains(where: { $0?.utf8.contains(0) == true }) else { return }
        throw SwarmError.badRequest("text must not contain NUL characters")
    }

    /// Stores a message and its events (message.new, mentions), marks it read for its author, and
    /// counts a thread reply. Shared by `message.post` and the case ops that post cards.
    static func insertMessage(_ tx: WriteTx, channel ch: ChannelRow, author p: Principal, body: String, thread threadId: Int64?,
                              card: JSONValue? = nil) throws -> Message {
        let mentioned = try Self.resolveMentions(tx.db, body: body, channel: ch)
        return try insertMessage(tx, channel: ch.id, author: p, body: body, thread: threadId, card: card, mentioned: mentioned).0
    }

    /// The same with the mentioned users resolved. Returns the message and its logged JSON
    /// (written by `MessageJSON`, not `JSONEncoder`: this runs inside the writer's transaction).
    /// `id`: drawn already (`WriteTx.drawnMessageId`). `pending`: an optimistic post's row (see
    /// `optimisticPost`), which waits in `WriteTx.pendingPosts` with its group's others and is
    /// kept only if the author is a member.
    static func insertMessage(_ tx: WriteTx, channel channelId: Int64, author p: Principal, body: String, thread threadId: Int64?,
                              card: JSONValue? = nil, mentioned: [Int64], id drawn: Int64? = nil, pending: Bool = false) throws -> (Message, String) {
        let db = tx.db
        let mentionIds = mentioned.map { Ids.make(.user, $0) }
        // One time for the row and its event (they were two calls, microseconds apart).
        let now = Timestamp.now()
        let cardJSON = try card.map { String(decoding: try tx.encoder.encode($0), as: UTF8.self) }
        let mentionsJSON = mentionIds.isEmpty ? "[]" : String(decoding: try tx.encoder.encode(mentionIds), as: UTF8.self)
        let values: SQLArguments = [channelId, p.id, body, threadId, mentionsJSON, now, cardJSON]
        let id: Int64
        if let drawn, pending {
            tx.pendingPosts.addMessage(id: drawn, channel: channelId, author: p.id, values.values)
            id = drawn
        } else {
            id = try insertMessageRow(db, values, channel: channelId, author: p.id, id: drawn)
        }
        // Pipelined: no row counts are read, and the savepoint's end waits for them all.
        if let threadId {
            try db.executePipelined("UPDATE messages SET reply_count = reply_count + 1 WHERE id = ?", [threadId])
            // Swarm members who post in a case thread are recorded as contributors.
            try db.executePipelined("""
                UPDATE case_swarm SET contributions = contributions + 1
                WHERE user_id = ? AND case_id = (SELECT id FROM cases WHERE thread_id = ?)
                """, [p.id, threadId])
        }
        let message = Message(id: Ids.make(.message, id), channel: Ids.make(.channel, channelId), author: p.userId, authorName: p.name,
                              body: body, thread: threadId.map { Ids.make(.message, $0) }, replyCount: 0, mentions: mentionIds,
                              createdAt: now, editedAt: nil, deleted: false, card: card)
        let json = MessageJSON.encode(message, card: cardJSON)
        try tx.append(.messageNew, channel: channelId, user: nil, message: id, json: json, at: now)
        for uid in mentioned {
            try db.executePipelined("INSERT INTO mentions(message_id, user_id, channel_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [id, uid, channelId])
            try tx.append(.mention, channel: nil, user: uid, message: id, MentionEvent(user: Ids.make(.user, uid), message: message))
        }
        return (message, json)
    }

    /// Inserts the message row and marks it read for its author (who has read their own message).
    /// PostgreSQL: one statement, the mark riding on the insert, as every statement is a round trip;
    /// with an id drawn already (`drawn`), two sent without waiting.
    private static func insertMessageRow(_ db: SQLDB, _ values: SQLArguments, channel: Int64, author: Int64, id drawn: Int64?) throws -> Int64 {
        let insert = "INSERT INTO messages(channel_id, author_id, body, thread_id, mentions, created_at, card) VALUES (?, ?, ?, ?, ?, ?, ?)"
        if let drawn {
            try db.executePipelined(PendingPostRows.messageInsert, SQLArguments(values: [.int(drawn)] + values.values))
            try db.executePipelined("UPDATE members SET last_read = ? WHERE channel_id = ? AND user_id = ?", [drawn, channel, author])
            return drawn
        }
        switch db.dialect {
        case .sqlite:
            try db.execute(insert, values)
            let id = try db.lastInsertedRowID
            try db.execute("UPDATE members SET last_read = ? WHERE channel_id = ? AND user_id = ?", [id, channel, author])
            return id
        case .postgres:
            guard let id = try db.fetchOne(Int64.self, """
                WITH m AS (\(insert) RETURNING id),
                  r AS (UPDATE members SET last_read = (SELECT id FROM m) WHERE channel_id = ? AND user_id = ?)
                SELECT id FROM m
                """, SQLArguments(values: values.values + [.int(channel), .int(author)])) else {
                throw SQLUnavailable("INSERT INTO messages returned no id")
            }
            return id
        }
    }

    public func edit(_ p: Principal, _ req: MessageEditRequest) async throws -> Message {
        let body = try Self.validBody(req.body)
        return try await write { tx in
            let db = tx.db
            let row = try Self.modifiableMessage(db, p, ref: req.message)
            let old = Rows.message(row)
            guard old.body != body else { return old }
            let now = Timestamp.now()
            try Self.saveVersion(db, message: row["id"], body: old.body, by: p.id, at: now, reason: "edit")
            let ch = try Rows.channel(db, ref: old.channel)
            let mentioned = try Self.resolveMentions(db, body: body, channel: ch)
            let mentionIds = mentioned.map { Ids.make(.user, $0) }
            try db.execute("UPDATE messages SET body = ?, edited_at = ?, mentions = ? WHERE id = ?", [body, now, String(decoding: try tx.encoder.encode(mentionIds), as: UTF8.self), row["id"]])
            var updated = old
            updated.body = body
            updated.editedAt = now
            updated.mentions = mentionIds
            try Self.redactLog(tx, message: row["id"], current: updated)
            try tx.append(.messageEdited, channel: ch.id, user: nil, message: row["id"], updated)
            // Mentions the edit removed stop counting; only people newly mentioned are notified.
            try db.execute("DELETE FROM mentions WHERE message_id = ? AND user_id NOT IN (\(db.jsonIntegers()))", [row["id"], String(decoding: try tx.encoder.encode(mentioned), as: UTF8.self)])
            for uid in mentioned where !old.mentions.contains(Ids.make(.user, uid)) {
                try db.execute("INSERT INTO mentions(message_id, user_id, channel_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [row["id"], uid, ch.id])
                try tx.append(.mention, channel: nil, user: uid, message: row["id"], MentionEvent(user: Ids.make(.user, uid), message: updated))
            }
            return updated
        }
    }

    /// Soft delete: the text moves to the audit versions and the message shows as deleted.
    public func delete(_ p: Principal, _ req: MessageRef) async throws -> MessageDeletedEvent {
        try await write { tx in
            let db = tx.db
            let row = try Self.modifiableMessage(db, p, ref: req.message)
            let old = Rows.message(row)
            let now = Timestamp.now()
            try Self.saveVersion(db, message: row["id"], body: old.body, by: p.id, at: now, reason: "delete")
            try db.execute("UPDATE messages SET body = '', mentions = '[]', deleted_at = ? WHERE id = ?", [now, row["id"]])
            try db.execute("DELETE FROM mentions WHERE message_id = ?", [row["id"]])
            var gone = old
            gone.body = ""
            gone.deleted = true
            gone.mentions = []
            try Self.redactLog(tx, message: row["id"], current: gone)
            let event = MessageDeletedEvent(id: old.id, channel: old.channel, thread: old.thread, by: p.userId)
            try tx.append(.messageDeleted, channel: row["channel_id"], user: nil, message: row["id"], event)
            return event
        }
    }

    public func versions(_ p: Principal, _ req: MessageRef) async throws -> MessageVersionsReply {
        try await read { db in
            let row = try Rows.messageRow(db, ref: req.message)
            _ = try Rows.readableChannel(db, ref: Ids.make(.channel, row["channel_id"]), by: p)
            guard Permissions.mayReadVersions(messageAuthor: row["author_id"], actor: p.id, actorRole: p.role) else {
                throw SwarmError.forbidden("only the author or a lead may read earlier versions")
            }
            let versions = try db.fetchAll("""
                SELECT v.*, u.name AS editor FROM message_versions v JOIN users u ON u.id = v.edited_by
                WHERE v.message_id = ? ORDER BY v.version
                """, [row["id"]]).map {
                MessageVersion(version: $0["version"], body: $0["body"], editedBy: Ids.make(.user, $0["edited_by"]), editedAt: $0["edited_at"], reason: $0["reason"])
            }
            return MessageVersionsReply(message: Rows.message(row), versions: versions)
        }
    }

    public func history(_ p: Principal, _ req: HistoryRequest, maxLimit: Int) async throws -> HistoryReply {
        let limit = min(max(req.limit ?? 50, 1), maxLimit)
        if let l = req.limit, l < 1 || l > maxLimit { throw SwarmError.badRequest("limit must be 1–\(maxLimit)") }
        let before = try req.before.map { try Ids.require(.message, $0, field: "before") } ?? Int64.max
        return try await read { db in
            let ch = try Rows.readableChannel(db, ref: req.channel, by: p)
            let rows = try db.fetchAll(Rows.messageSelect + " WHERE m.channel_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?", [ch.id, before, limit + 1])
            let page = rows.prefix(limit).reversed().map(Rows.message)
            // The head in the same read (one snapshot): what the page shows is the log through it.
            let head = try Self.head(db)
            return HistoryReply(messages: page, nextBefore: rows.count > limit ? page.first?.id : nil, seq: head)
        }
    }

    public func thread(_ p: Principal, _ req: MessageRef) async throws -> ThreadReply {
        try await read { db in
            var root = try Rows.messageRow(db, ref: req.message)
            _ = try Rows.readableChannel(db, ref: Ids.make(.channel, root["channel_id"]), by: p)
            if let rootId: Int64 = root["thread_id"] { root = try Rows.messageRow(db, ref: Ids.make(.message, rootId)) }
            let replies = try db.fetchAll(Rows.messageSelect + " WHERE m.thread_id = ? ORDER BY m.id", [root["id"]])
            return ThreadReply(root: Rows.message(root), replies: replies.map(Rows.message))
        }
    }

    public func markRead(_ p: Principal, _ req: ReadMarkRequest) async throws -> ReadUpdatedEvent {
        try await write { tx in
            let db = tx.db
            let ch = try Rows.channel(db, ref: req.channel)
            guard try Rows.isMember(db, channel: ch.id, user: p.id) else { throw SwarmError.forbidden("not a member of this channel") }
            let upTo: Int64
            if let ref = req.message {
                let row = try Rows.messageRow(db, ref: ref)
                guard (row["channel_id"] as Int64) == ch.id else { throw SwarmError.badRequest("message is in another channel") }
                upTo = row["id"]
            } else {
                upTo = try db.fetchOne(Int64.self, "SELECT COALESCE(MAX(id), 0) FROM messages WHERE channel_id = ?", [ch.id]) ?? 0
            }
            // The marker only moves forward, so a late mark from another device cannot undo reading.
            try db.execute("UPDATE members SET last_read = \(db.greatest)(last_read, ?) WHERE channel_id = ? AND user_id = ?", [upTo, ch.id, p.id])
            let marker = try db.fetchOne(Int64.self, "SELECT last_read FROM members WHERE channel_id = ? AND user_id = ?", [ch.id, p.id]) ?? upTo
            let event = ReadUpdatedEvent(channel: Ids.make(.channel, ch.id), message: marker > 0 ? Ids.make(.message, marker) : nil)
            try tx.append(.readUpdated, channel: nil, user: p.id, event)
            return event
        }
    }

    public func unread(_ p: Principal) async throws -> UnreadListReply {
        try await read { db in
            let rows = try db.fetchAll("""
                SELECT c.id, c.name,
                  (SELECT COUNT(*) FROM messages m WHERE m.channel_id = c.id AND m.id > mb.last_read
                      AND m.deleted_at IS NULL AND m.author_id != mb.user_id) AS unread,
                  (SELECT COUNT(*) FROM mentions x WHERE x.user_id = mb.user_id AND x.channel_id = c.id
                      AND x.message_id > mb.last_read) AS mentions
                FROM members mb JOIN channels c ON c.id = mb.channel_id
                WHERE mb.user_id = ? ORDER BY c.name
                """, [p.id])
            // The head in the same read (one snapshot): the counts are the log through it.
            let head = try Self.head(db)
            return UnreadListReply(channels: rows.map {
                UnreadEntry(channel: Ids.make(.channel, $0["id"]), name: $0["name"], unread: $0["unread"], mentions: $0["mentions"])
            }, seq: head)
        }
    }

    static func validBody(_ body: String) throws -> String {
        // Stops at the first visible character (trimming the whole body went through NSString: ~1 % of a post's CPU).
        let blank = CharacterSet.whitespacesAndNewlines
        guard body.unicodeScalars.contains(where: { !blank.contains($0) }) else {
            throw SwarmError.badRequest("body is empty")
        }
        guard body.count <= maxBodyCharacters else { throw SwarmError(.tooLarge, "body is over \(maxBodyCharacters) characters") }
        return body
    }

    static func modifiableMessage(_ db: SQLDB, _ p: Principal, ref: String) throws -> SQLRow {
        let row = try Rows.messageRow(db, ref: ref)
        _ = try Rows.readableChannel(db, ref: Ids.make(.channel, row["channel_id"]), by: p)
        guard (row["deleted_at"] as String?) == nil else { throw SwarmError.notFound("message was deleted") }
        guard Permissions.mayModify(messageAuthor: row["author_id"], actor: p.id, actorRole: p.role) else {
            throw SwarmError.forbidden("only the author or a lead may change this message")
        }
        return row
    }

    /// Rewrites the message inside its earlier log events to its current state, so replaying the
    /// log never hands out text that was edited away or deleted (old versions stay in the audit
    /// table, readable only by the author and leads).
    static func redactLog(_ tx: WriteTx, message: Int64, current: Message) throws {
        let json = String(decoding: try tx.encoder.encode(current), as: UTF8.self)
        try tx.db.execute("""
            UPDATE events SET data = CASE type
                WHEN 'mention' THEN json_set(data, '$.message', json(?1))
                ELSE ?1 END
            WHERE message_id = ?2 AND type IN ('message.new', 'message.edited', 'message.marked', 'mention')
            """, [json, message])
        // `case.handoff` events no longer carry a brief (and old ones are replayed without it,
        // `visibleEvents`), so there is nothing of this message in them to rewrite.
    }

    static func saveVersion(_ db: SQLDB, message: Int64, body: String, by: Int64, at: String, reason: String) throws {
        try db.execute("""
            INSERT INTO message_versions(message_id, version, body, edited_by, edited_at, reason)
            VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM message_versions WHERE message_id = ?), ?, ?, ?, ?)
            """, [message, message, body, by, at, reason])
    }

    /// Users named with `@` who may read the channel: members, or anyone for a public channel.
    static func resolveMentions(_ db: SQLDB, body: String, channel: ChannelRow) throws -> [Int64] {
        try resolveMentions(db, names: Mentions.names(in: body).prefix(50), channel: channel)
    }

    static func resolveMentions(_ db: SQLDB, names: some Sequence<String>, channel: ChannelRow) throws -> [Int64] {
        var ids: [Int64] = []
        for name in names {
            guard let id = try db.fetchOne(Int64.self, "SELECT id FROM users WHERE name = ? AND deactivated_at IS NULL", [name]) else { continue }
            if try channel.kind == .public || Rows.isMember(db, channel: channel.id, user: id) { ids.append(id) }
        }
        return ids
    }
}
