import Foundation
import SwarmCore
import SwarmProtocol

/// kb.search and kb.suggest on PostgreSQL, with the results contract of PROTOCOL §16: title and
/// tag matches first (`search_head`), body matches after them (`search_all`), each group ranked
/// among its newest `kb.search_candidates` matches plus the articles that solved the most cases;
/// highlights and snippets by the same KBHighlighter as on SQLite.
///
/// Differences from SQLite, inside what §16 allows: the last word is PostgreSQL's own prefix
/// (`:*`) in bodies too, over the GIN index, instead of its 32 most common completions (there
/// is no `kb_terms` upkeep on PostgreSQL, and a GIN prefix scan does not read every body); and
/// `rank` is `ts_rank` (weights title 1.0, tags 0.4, body 0.1, the 10 : 4 : 1 of bm25), scaled
/// by 10 and negated, minus 0.5 · ln(1 + solved).
extension SQLiteStore {
    static func kbSearchPostgres(_ db: SQLDB, words: [String], prefixLast: Bool, anyWord: Bool, tags: [String], language: String?,
                                 limit: Int, cap: Int) throws -> [KBHit] {
        let query = try PostgresTextQuery(db, words: words, prefixLast: prefixLast, anyWord: anyWord)
        guard let tsquery = query.tsquery else { return [] }
        var ranked = try kbRankPostgres(db, column: "search_head", tsquery, tags: tags, language: language, limit: limit, cap: cap)
        // Bodies only when titles and tags do not fill the page.
        if ranked.count < limit {
            let seen = Set(ranked.map(\.id))
            ranked += try kbRankPostgres(db, column: "search_all", tsquery, tags: tags, language: language, limit: limit + ranked.count, cap: cap)
                .filter { !seen.contains($0.id) }.prefix(limit - ranked.count)
        }
        return try KBTokenizer.standalone { tokenizer in
            try kbHits(db, ranked, KBHighlighter(matcher: query.matcher, tokenizer: tokenizer))
        }
    }

    /// One group: the best `limit` of the newest `cap` approved matches (every match when `cap`
    /// is 0) and of the proven articles that match, best first (newest first on ties).
    static func kbRankPostgres(_ db: SQLDB, column: String, _ tsquery: String, tags: [String], language: String?,
                               limit: Int, cap: Int) throws -> [(id: Int64, rank: Double)] {
        var arguments: SQLArguments = [tsquery]
        var conditions = ""
        for tag in tags {
            conditions += " AND EXISTS (SELECT 1 FROM json_array_elements_text(CAST(a.tags_json AS json)) t(value) WHERE t.value = ?)"
            arguments += [tag.lowercased()]
        }
        if let language {
            conditions += " AND a.language = ?"
            arguments += [language.lowercased()]
        }
        var newest = ""
        if cap > 0 {
            newest = "LIMIT ?"
            arguments += [max(cap, limit)]
        }
        arguments += [kbProvenCandidates, limit]
        let rows = try db.fetchAll("""
            WITH q AS (SELECT to_tsquery('simple'::regconfig, ?) AS q),
            m AS (SELECT a.id FROM kb_articles a CROSS JOIN q WHERE a.state = 'approved' AND a.\(column) @@ q.q \(conditions)),
            c AS ((SELECT id FROM m ORDER BY id DESC \(newest))
                  UNION SELECT m.id FROM m JOIN (SELECT article_id FROM kb_counts WHERE solved > 0 ORDER BY solved DESC LIMIT ?) p ON p.article_id = m.id)
            SELECT a.id, CAST(-10 * ts_rank('{0.1, 0.1, 0.4, 1.0}', a.\(column), q.q) AS float8)
                         - 0.5 * ln(CAST(1 + COALESCE(k.solved, 0) AS float8)) AS rank
            FROM c JOIN kb_articles a ON a.id = c.id CROSS JOIN q LEFT JOIN kb_counts k ON k.article_id = a.id
            ORDER BY rank, a.id DESC LIMIT ?
            """, arguments)
        return rows.map { row -> (id: Int64, rank: Double) in (id: row[0], rank: row[1]) }
    }
}
