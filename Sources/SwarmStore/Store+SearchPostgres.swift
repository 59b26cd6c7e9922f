import Foundation
import SwarmCore
import SwarmProtocol

/// `search` on PostgreSQL: the same words, readability rules and order as on SQLite, through
/// `messages.search` (see PostgresSearchSchema). `rank` is `ts_rank` negated (lower is better,
/// as bm25); the snippet is 12 words around the matches, marked by the KB highlighter (FTS5's
/// snippet() on SQLite takes 12 tokens too).
extension SQLiteStore {
    static func messageSearchPostgres(_ db: SQLDB, _ p: Principal, _ req: SearchRequest, limit: Int) throws -> SearchReply {
        let query = try PostgresTextQuery(db, words: SearchQuery.words(req.query), prefixLast: true, anyWord: false)
        guard let tsquery = query.tsquery else { return SearchReply(results: []) }
        let (channelFilter, channelArgs) = try searchChannelScope(db, p, req)
        let args: SQLArguments = [tsquery, p.id] + channelArgs + [limit]
        let rows = try db.fetchAll("""
            WITH q AS (SELECT to_tsquery('simple'::regconfig, ?) AS q)
            SELECT m.id, m.channel_id, m.author_id, m.body, m.thread_id, m.reply_count, m.mentions,
                   m.created_at, m.edited_at, m.deleted_at, u.name AS author_name,
                   CAST(-ts_rank(m.search, q.q) AS float8) AS rank
            FROM messages m CROSS JOIN q
            JOIN users u ON u.id = m.author_id
            JOIN channels c ON c.id = m.channel_id
            WHERE m.search @@ q.q AND m.deleted_at IS NULL
              AND (c.kind = 'public' OR EXISTS (SELECT 1 FROM members x WHERE x.channel_id = c.id AND x.user_id = ?))
              \(channelFilter)
            ORDER BY rank, m.id DESC LIMIT ?
            """, args)
        return try KBTokenizer.standalone { tokenizer in
            let highlighter = KBHighlighter(matcher: query.matcher, tokenizer: tokenizer)
            return SearchReply(results: rows.map {
                SearchHit(message: Rows.message($0), snippet: highlighter.snippet($0["body"], size: 12), rank: $0["rank"])
            })
        }
    }
}
