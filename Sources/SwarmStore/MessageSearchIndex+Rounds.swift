import Foundation
import GRDB
import Logging

/// The indexer: matches the index file to its database at start, then indexes in rounds, each
/// a read of the database (new messages by id, changed bodies by change seq) and one transaction
/// on the index file that writes them and how far it has read.
extension MessageSearchIndex {
    /// Trims indexed rows from `message_search_changes` at most this often.
    static let trimInterval: Duration = .seconds(60)

    /// Matches the index to the database `source` before the first round. Emptied (read again
    /// from the messages): an index made for another database; one that has read messages or
    /// body changes this database does not have (a database restored from a copy); one whose
    /// last message or change is another than the database's under the same number (a restored
    /// or copied database that went on without it); one that has not read body changes the
    /// database no longer lists (trimmed after rounds a power cut took back). Sets the progress
    /// searches wait on.
    func reconcile(with source: DatabasePool) throws {
        let filed = try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT owner, through_message, through_change, message_at, change_message FROM index_state WHERE id = 1")
        }
        var done = Progress(message: filed?["through_message"] ?? 0, change: filed?["through_change"] ?? 0)
        let filedAt: String? = filed?["message_at"]
        let filedChange: Int64? = filed?["change_message"]
        let facts = try source.read { [done] db -> ReconcileFacts in
            let heads = try Self.heads(SQLDB(GRDBExecutor(db)))
            func messageAt(_ id: Int64) throws -> String? {
                try String.fetchOne(db, sql: "SELECT created_at FROM messages WHERE id = ?", arguments: [id])
            }
            func changeMessage(_ seq: Int64) throws -> Int64? {
                try Int64.fetchOne(db, sql: "SELECT message_id FROM message_search_changes WHERE seq = ?", arguments: [seq])
            }
            return ReconcileFacts(
                owner: try String.fetchOne(db, sql: "SELECT token FROM message_search_owner WHERE id = 1") ?? "",
                heads: heads, messageAt: try messageAt(done.message), changeMessage: try changeMessage(done.change),
                headChangeMessage: try changeMessage(heads.change),
                firstChange: try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM message_search_changes"))
        }
        let heads = facts.heads
        var why: String?
        if filed == nil {
            why = "new"
        } else if filed?["owner"] != facts.owner {
            why = "made for another database"
        } else if done.message > heads.message || done.change > heads.change {
            why = "has read messages or body changes the database does not have"
        } else if done.message > 0, facts.messageAt != filedAt {
            why = "has another last message than the database's"
        } else if let changeMessage = facts.changeMessage, changeMessage != filedChange {
            why = "has another last body change than the database's"
        } else if done.change < heads.change, (facts.firstChange ?? .max) > done.change + 1 {
            why = "missed body changes the database no longer lists"
        }
        if let why {
            if filed != nil { logger.notice("message search index \(why); rebuilding it", metadata: ["file": "\(path)"]) }
            done = Progress(message: 0, change: heads.change)
        }
        let ready = done, rebuilt = why != nil
        try queue.write { db in
            if rebuilt { try db.execute(sql: "DELETE FROM message_fts") }
            // What the index now stands on: after a rebuild no message yet and the database's last change.
            try db.execute(sql: """
                INSERT INTO index_state(id, owner, through_message, through_change, message_at, change_message) VALUES (1, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, through_message = excluded.through_message,
                    through_change = excluded.through_change, message_at = excluded.message_at, change_message = excluded.change_message
                """, arguments: [facts.owner, ready.message, ready.change, rebuilt ? nil : filedAt,
                                 rebuilt ? facts.headChangeMessage : filedChange])
        }
        if heads.message > done.message {
            logger.info("message search index: reading messages", metadata: ["from": "\(done.message)", "to": "\(heads.message)"])
        }
        state.withLock { $0.trimmedThrough = done.change }
        advance(to: done)
    }

    struct ReconcileFacts: Sendable {
        var owner: String
        var heads: Progress
        /// `created_at` of the index's last message, and `message_id` of its last change, here.
        var messageAt: String?
        var changeMessage: Int64?
        /// `message_id` of the database's last change.
        var headChangeMessage: Int64?
        var firstChange: Int64?
    }

    /// The indexer's loop: a round per wake-up (commits gathered for `gatherDelay`, or a search's
    /// poke), repeated while a round finds a full step. Returns after `close()`. A failing round
    /// (a full disk) is logged once and tried again a second later.
    func run(source: DatabasePool, trim: @escaping @Sendable (Int64) async throws -> Void) async {
        var wakeups = self.wakeups.makeAsyncIterator()
        poke()
        while await wakeups.next() != nil {
            await gather()
            do {
                while !isClosed, try round(source) {}
                if state.withLock({ s in defer { s.failing = false }; return s.failing }) {
                    logger.notice("message search index writes again", metadata: ["file": "\(path)"])
                }
            } catch {
                if !state.withLock({ s in defer { s.failing = true }; return s.failing }) {
                    logger.error("message search index round failed; searches may miss the newest messages until it succeeds",
                                 metadata: ["file": "\(path)", "error": "\(error)"])
                }
                // Again in a second, or at the next commit if that is sooner.
                try? await Task.sleep(for: .seconds(1))
                poke()
                continue
            }
            do {
                try await trimChanges(trim)
            } catch {
                // Only bookkeeping: the rows stay until the next trim (a minute later).
                logger.warning("trimming message_search_changes failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One round; returns whether a full step was read (more may be waiting). Synchronous: it runs
    /// on the indexer's thread, which GRDB's read and write then run on (see `StoreThread`).
    private func round(_ source: DatabasePool) throws -> Bool {
        assert(thread.isCurrent, "the search indexer left its thread")
        let done = state.withLock { $0.done }
        let step = Self.step
        let read = try source.read { db -> RoundRead in
            var read = RoundRead()
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT id, body, created_at FROM messages WHERE id > ? ORDER BY id LIMIT ?"),
                                           arguments: [done.message, step]) {
                read.added.append((row[0], row[1]))
                read.messageAt = row[2]
            }
            var changed: [Int64] = []
            for row in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT seq, message_id FROM message_search_changes WHERE seq > ? ORDER BY seq LIMIT ?
                """), arguments: [done.change, step]) {
                read.changeThrough = row[0]
                read.changeMessage = row[1]
                changed.append(row[1])
            }
            read.through = read.added.last?.id ?? done.message
            read.full = read.added.count >= step || changed.count >= step
            read.changeThrough = max(read.changeThrough, done.change)
            // Changes to messages past this round's last id are read as new messages later, as
            // they are then; changes to ones read in this round are in `added` already.
            read.removed = Set(changed.filter { $0 <= done.message })
            if !read.removed.isEmpty {
                let ids = "[" + read.removed.map(String.init).joined(separator: ",") + "]"
                for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT id, body FROM messages WHERE id IN (SELECT value FROM json_each(?))"),
                                               arguments: [ids]) {
                    read.added.append((row[0], row[1]))
                }
            }
            return read
        }
        let next = Progress(message: read.through, change: read.changeThrough)
        guard next != done || !read.added.isEmpty else { return false }
        let written = try queue.writeWithoutTransaction { db in try db.inCachedTransaction { () -> Progress in
            // Only this process indexes; should another ever have moved the state, this round's
            // read is stale: write nothing, and the next round starts from the file's state.
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT through_message, through_change FROM index_state WHERE id = 1"))
            let filed = Progress(message: row?["through_message"] ?? 0, change: row?["through_change"] ?? 0)
            guard filed == done else { return filed }
            let delete = try db.cachedStatement(sql: "DELETE FROM message_fts WHERE rowid = ?")
            for id in read.removed { try delete.execute(arguments: [id]) }
            let insert = try db.cachedStatement(sql: "INSERT INTO message_fts(rowid, body) VALUES (?, ?)")
            for (id, body) in read.added { try insert.execute(arguments: [id, body]) }
            // What it read last, so a start can tell this database from one that went on without it.
            try db.cachedStatement(sql: """
                UPDATE index_state SET through_message = ?, through_change = ?,
                    message_at = COALESCE(?, message_at), change_message = COALESCE(?, change_message) WHERE id = 1
                """).execute(arguments: [next.message, next.change, read.messageAt, read.changeMessage])
            return next
        } }
        advance(to: written)
        return written == next ? read.full : true
    }

    /// Removes indexed body changes from the database now and then (through the store's writer,
    /// so the posts' transactions are not contended).
    private func trimChanges(_ trim: @Sendable (Int64) async throws -> Void) async throws {
        let through = state.withLock { s -> Int64? in
            let now = ContinuousClock.now
            guard s.done.change > s.trimmedThrough, s.lastTrim.map({ now - $0 >= Self.trimInterval }) ?? true else { return nil }
            s.lastTrim = now
            return s.done.change
        }
        guard let through else { return }
        // The index file commits without fsync (synchronous = NORMAL). A checkpoint that copies
        // the whole WAL has synced it first, so the rounds that read these changes outlive a power
        // cut before the database forgets them; one that could not (a search reading the file)
        // leaves the trim to the next time. (Should they be lost anyway, `reconcile` sees the gap
        // and rebuilds.)
        let synced = try await queue.writeWithoutTransaction { db -> Bool in
            guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") else { return false }
            let busy: Int = row[0], log: Int = row[1], copied: Int = row[2]
            return busy == 0 && log == copied
        }
        guard synced else { return }
        try await trim(through)
        state.withLock { $0.trimmedThrough = max($0.trimmedThrough, through) }
    }

    struct RoundRead: Sendable {
        /// Messages to index as they are now: new ones and ones whose body changed.
        var added: [(id: Int64, body: String)] = []
        /// Indexed messages whose entries go first (changed or removed since).
        var removed: Set<Int64> = []
        var through: Int64 = 0
        var changeThrough: Int64 = 0
        /// `created_at` of the last new message read, `message_id` of the last change read.
        var messageAt: String?
        var changeMessage: Int64?
        var full = false
    }
}
