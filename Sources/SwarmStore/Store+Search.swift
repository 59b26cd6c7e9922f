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
        return try await read { db in
            if db.dialect == .postgres { return try Self.messageSearchPostgres(db, p, req, limit: limit) }
            let (channelFilter, channelArgs) = try Self.searchChannelScope(db, p, req)
            let args: SQLArguments = [match, p.id] + channelArgs + [limit]
            let rows = try db.fetchAll("""
                SELECT m.id, m.channel_id, m.author_id, m.body, m.thread_id, m.reply_count, m.mentions,
                       m.created_at, m.edited_at, m.deleted_at, u.name AS author_name,
                       snippet(message_fts, 0, '**', '**', '…', 12) AS snip, bm25(message_fts) AS rank
                FROM message_fts
                JOIN messages m ON m.id = message_fts.rowid
                JOIN users u ON u.id = m.author_id
                JOIN channels c ON c.id = m.channel_id
                WHERE message_fts MATCH ? AND m.deleted_at IS NULL
                  AND (c.kind = 'public' OR EXISTS (SELECT 1 FROM members x WHERE x.channel_id = c.id AND x.user_id = ?))
                  \(channelFilter)
                ORDER BY rank LIMIT ?
                """, args)
            return SearchReply(results: rows.map { SearchHit(message: Rows.message($0), snippet: $0["snip"], rank: $0["rank"]) })
        }
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
