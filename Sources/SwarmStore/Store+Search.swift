import Foundation
import SwarmCore
import SwarmProtocol

extension SQLiteStore {
    /// Full-text search over messages the caller may read, best matches first (bm25), with
    /// snippets whose matching words are wrapped in `**`.
    public func search(_ p: Principal, _ req: SearchRequest) async throws -> SearchReply {
        guard req.query.count <= 256 else { throw SwarmError.badRequest("query is at most 256 characters") }
        guard let match = SearchQuery.fts5(req.query) else { throw SwarmError.badRequest("query has no words") }
        let limit = min(max(req.limit ?? 20, 1), 100)
        if backend.dialect == .postgres {
            return try await read { db in try Self.messageSearchPostgres(db, p, req, limit: limit) }
        }
        guard let index = messageIndex else {
            throw SwarmError(.unavailable, "message search runs in the server, not in this process")
        }
        // A search sees every message committed before it started: when the index has not read
        // them all yet (it gathers commits for up to `gatherDelay`), poke it and wait, a little.
        let first = try await read { db -> IndexedSearch in
            let heads = try MessageSearchIndex.heads(db)
            guard index.covers(heads) else { return .behind(heads) }
            return .done(try Self.messageSearchSQLite(db, p, req, match: match, limit: limit))
        }
        switch first {
        case .done(let reply):
            return reply
        case .behind(let heads):
            index.poke()
            // Not while its rounds fail or it is rebuilding: those take longer than a search may wait.
            let caughtUp = index.worthWaiting(for: heads) ? await index.waitFor(heads, timeout: Self.searchIndexWait) : false
            if !caughtUp, index.shouldLogBehind() {
                logger.warning("message search index is behind; searches answer from what it has",
                               metadata: ["wanted": "\(heads.message)/\(heads.change)"])
            }
            return try await read { db in try Self.messageSearchSQLite(db, p, req, match: match, limit: limit) }
        }
    }

    /// Whether the message search index has read everything committed so far, waiting up to
    /// `timeout` for it (tests and benchmarks; nil: this store keeps no index).
    public func messageIndexCaughtUp(within timeout: Duration) async throws -> Bool? {
        guard let index = messageIndex else { return nil }
        let heads = try await read { db in try MessageSearchIndex.heads(db) }
        return await index.waitFor(heads, timeout: timeout)
    }

    /// How long a search waits for the index to read what was committed before it.
    static let searchIndexWait: Duration = .seconds(2)

    private enum IndexedSearch: Sendable {
        case done(SearchReply)
        case behind(MessageSearchIndex.Progress)
    }

    /// SQLite: the query on the index file (attached to every reader). An entry whose text is not
    /// the message's text now (an edit or delete the index has not read yet) is no hit: neither
    /// its words nor its snippet may show what the message no longer says.
    private static func messageSearchSQLite(_ db: SQLDB, _ p: Principal, _ req: SearchRequest, match: String, limit: Int) throws -> SearchReply {
        let (channelFilter, channelArgs) = try Self.searchChannelScope(db, p, req)
        let args: SQLArguments = [match, p.id] + channelArgs + [limit]
        let rows = try db.fetchAll("""
            SELECT m.id, m.channel_id, m.author_id, m.body, m.thread_id, m.reply_count, m.mentions,
                   m.created_at, m.edited_at, m.deleted_at, u.name AS author_name,
                   snippet(message_fts, 0, '**', '**', '…', 12) AS snip, bm25(message_fts) AS rank
            FROM \(MessageSearchIndex.schema).message_fts
            JOIN messages m ON m.id = message_fts.rowid
            JOIN users u ON u.id = m.author_id
            JOIN channels c ON c.id = m.channel_id
            WHERE message_fts MATCH ? AND m.deleted_at IS NULL AND message_fts.body = m.body
              AND (c.kind = 'public' OR EXISTS (SELECT 1 FROM members x WHERE x.channel_id = c.id AND x.user_id = ?))
              \(channelFilter)
            ORDER BY rank LIMIT ?
            """, args)
        return SearchReply(results: rows.map { SearchHit(message: Rows.message($0), snippet: $0["snip"], rank: $0["rank"]) })
    }
}

extension SQLiteStore {
    /// The optional one-channel narrowing of `search` (refused when the caller may not read it),
    /// as a condition on `m` and its argument; the same for both backends.
    static func searchChannelScope(_ db: SQLDB, _ p: Principal, _ req: SearchRequest) throws -> (sql: String, arguments: SQLArguments) {
        guard let ref = req.channel else { return ("", []) }
        let ch = try Rows.readableChannel(db, ref: ref, by: p)
        return (" AND m.channel_id = ?", [ch.id])
    }
}
