import Foundation
import GRDB
import SwarmCore
import SwarmProtocol

/// Knowledge-base search: FTS5 over title, tags and body (accents folded, prefix on the last word),
/// bm25 with the title weighted above tags above body, and a bonus for articles that solved cases.
extension SQLiteStore {
    /// bm25 column weights: title, tags, body.
    static let kbWeights = "10.0, 4.0, 1.0"

    public func searchArticles(_ p: Principal, _ req: KBSearchRequest) async throws -> KBSearchReply {
        guard req.query.count <= 256 else { throw SwarmError.badRequest("query is at most 256 characters") }
        guard let match = SearchQuery.fts5(req.query) else { throw SwarmError.badRequest("query has no words") }
        if let l = req.limit, l < 1 || l > 100 { throw SwarmError.badRequest("limit must be 1–100") }
        return try await read { db in
            KBSearchReply(results: try Self.kbSearch(db, match: match, tags: req.tags ?? [], language: req.language, limit: req.limit ?? 10, kbCandidates: self.kbSearchCandidates))
        }
    }

    /// Articles for a case: its title, tags and the last inbound customer messages, any word matching.
    public func suggestArticles(_ p: Principal, _ req: KBSuggestRequest) async throws -> KBSearchReply {
        if let l = req.limit, l < 1 || l > 50 { throw SwarmError.badRequest("limit must be 1–50") }
        return try await read { db in
            let c = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: c, .caseGet)
            let recent = try String.fetchAll(db, sql: """
                SELECT text FROM timeline WHERE case_id = ? AND kind = 'interaction' AND direction = 'inbound' ORDER BY id DESC LIMIT 3
                """, arguments: [c["id"]])
            let words = ([c["title"] as String] + Self.decodeList(c["tags"]) + recent).joined(separator: " ")
            guard let match = SearchQuery.anyWord(words) else { return KBSearchReply(results: []) }
            return KBSearchReply(results: try Self.kbSearch(db, match: match, tags: [], language: nil, limit: req.limit ?? 5, kbCandidates: self.kbSearchCandidates))
        }
    }

    static func kbSearch(_ db: Database, match: String, tags: [String], language: String?, limit: Int, kbCandidates: Int) throws -> [KBHit] {
        var filters = ""
        var args: StatementArguments = []
        for tag in tags {
            filters += " AND EXISTS (SELECT 1 FROM json_each(a.tags_json) WHERE value = ?)"
            args += [tag.lowercased()]
        }
        if let language {
            filters += " AND a.language = ?"
            args += [language.lowercased()]
        }
        // Two steps, because SQLite computes every result column of every match before ORDER BY …
        // LIMIT: with highlight() and snippet() in the ranking query, each matching article's
        // body was re-tokenized (≈ 45 % of a common word's search time at 10,000 articles).
        // 1. Rank: bm25 and the filters only, read from the covering index (the planner would
        //    pick the table's rowid, whose rows hold the bodies: see KBSchema). Approved articles
        //    only: drafts and archived ones are reached through kb.list / kb.get.
        let cap = kbCandidates
        func rank(_ query: String, _ n: Int) throws -> [(id: Int64, rank: Double)] {
            // Only the newest `cap` matches are scored: FTS5 walks a doclist in rowid order and can
            // stop early, while bm25 over every match of a common word cannot. Articles that solved
            // cases compete however old they are.
            var floor: Int64 = 0
            if cap > 0 {
                let cap = max(cap, n)
                floor = try Int64.fetchOne(db.cachedStatement(sql: """
                    SELECT MIN(rowid) FROM (SELECT rowid FROM kb_fts WHERE kb_fts MATCH ? ORDER BY rowid DESC LIMIT ?)
                    """), arguments: [query, cap]) ?? 0
            }
            func scored(_ restriction: String, _ extra: StatementArguments) throws -> [(id: Int64, rank: Double)] {
                var a = args
                a += [query]
                a += extra
                a += [n]
                return try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT a.id, bm25(kb_fts, \(kbWeights)) - 0.5 * ln(1 + COALESCE(k.solved, 0)) AS rank
                    FROM kb_fts JOIN kb_articles a INDEXED BY \(KBSchema.searchFilterIndex) ON a.id = kb_fts.rowid LEFT JOIN kb_counts k ON k.article_id = a.id
                    WHERE a.state = 'approved' \(filters) AND kb_fts MATCH ? \(restriction)
                    ORDER BY rank LIMIT ?
                    """), arguments: a).map { (id: $0["id"] as Int64, rank: $0["rank"] as Double) }
            }
            guard floor > 1 else { return try scored("", []) }
            let recent = try scored("AND kb_fts.rowid >= ?", [floor])
            let anySolved = try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM kb_counts WHERE solved > 0 LIMIT 1")) ?? false
            let proven = anySolved ? try scored("AND kb_fts.rowid < ? AND +kb_fts.rowid IN (SELECT article_id FROM kb_counts WHERE solved > 0)", [floor]) : []
            return Array((recent + proven).sorted { $0.rank < $1.rank }.prefix(n))
        }
        // Articles whose title or tags hold every word come first; only when they do not fill the
        // page are body matches ranked too. Titles and tags are short, so the first query scores
        // few rows even for a common word, where scoring every body that mentions it would not.
        var ranked = try rank("{title tags} : (\(match))", limit)
        if ranked.count < limit {
            let seen = Set(ranked.map(\.id))
            ranked += try rank(match, limit + ranked.count).filter { !seen.contains($0.id) }.prefix(limit - ranked.count)
        }
        guard let low = ranked.map(\.id).min(), let high = ranked.map(\.id).max() else { return [] }
        // 2. Details, highlight and snippet for those few. The rowid range is one FTS5 scan (an
        //    `IN` on rowid would be one prefix-doclist merge per id); `+` keeps the IN a filter.
        let marks = Array(repeating: "?", count: ranked.count).joined(separator: ", ")
        var details: [Int64: Row] = [:]
        for r in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT a.id, a.title, a.tags_json, a.language, a.audience, a.version, COALESCE(k.solved, 0) AS solved,
                   highlight(kb_fts, 0, '**', '**') AS title_hl, snippet(kb_fts, 2, '**', '**', '…', 16) AS snip
            FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid LEFT JOIN kb_counts k ON k.article_id = a.id
            WHERE kb_fts MATCH ? AND kb_fts.rowid BETWEEN ? AND ? AND +kb_fts.rowid IN (\(marks))
            """), arguments: StatementArguments([match, low, high] as [any DatabaseValueConvertible]) + StatementArguments(ranked.map(\.id))) {
            details[r["id"]] = r
        }
        return ranked.compactMap { hit in
            details[hit.id].map { r in
                KBHit(id: Ids.make(.article, hit.id), title: r["title"], tags: decodeList(r["tags_json"]), language: r["language"],
                      audience: KBAudience(rawValue: r["audience"]) ?? .internal, version: r["version"], titleHighlight: r["title_hl"],
                      snippet: r["snip"], solved: r["solved"], rank: hit.rank)
            }
        }
    }
}
