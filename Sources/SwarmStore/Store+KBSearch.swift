import Foundation
import SwarmCore
import SwarmProtocol

/// A search as the index sees it: each word typed, tokenized and folded as FTS5 indexes it. A
/// word is usually one token; in some scripts (vowel signs are separators to unicode61) or with
/// joiners it is several, and then it is one FTS5 phrase of those tokens, as before.
struct KBQuery {
    /// One entry per word: its tokens joined by spaces (a phrase when there are several).
    var terms: [String]
    /// The last term matches every word it begins (search-as-you-type).
    var prefixLast: Bool
    /// Any term may match (kb.suggest) instead of every one.
    var anyWord: Bool

    /// Words whose tokens give nothing searchable are left out; a word is at most 16 tokens.
    init(words: [String], tokenizer: KBTokenizer, prefixLast: Bool, anyWord: Bool) {
        var seen = Set<String>()
        terms = words.map { tokenizer.terms($0, query: true).prefix(16).joined(separator: " ") }
            .filter { !$0.isEmpty && (!anyWord || seen.insert($0).inserted) }
        self.prefixLast = prefixLast
        self.anyWord = anyWord
    }

    var exactTerms: ArraySlice<String> { prefixLast ? terms.dropLast() : terms[...] }
    /// The last word is one token, so the words it begins can be listed from kb_terms.
    var expandablePrefix: Bool { prefixLast && !(terms.last ?? "").contains(" ") }
    /// Every token, for highlighting: the exact ones, and the prefix (the last word's last token).
    var matcher: KBMatcher {
        let exact = exactTerms.flatMap { $0.split(separator: " ").map(String.init) }
        guard prefixLast, let last = terms.last?.split(separator: " ").map(String.init), let prefix = last.last else {
            return KBMatcher(exact: exact, prefix: nil)
        }
        return KBMatcher(exact: exact + last.dropLast(), prefix: prefix)
    }
}

/// Knowledge-base search over approved articles: title and tag matches first (`kb_head`), body
/// matches after them (`kb_fts`), each group ranked among its newest `kb.search_candidates`
/// matches plus the articles that solved the most cases. See KBSearchSchema for the tables.
extension SQLiteStore {
    /// bm25 column weights: title, tags, body.
    static let kbWeights = (title: 10.0, tags: 4.0, body: 1.0)
    /// Words a prefix stands for in the body search, the most common first.
    static let kbPrefixExpansion = 32
    /// Articles that solved the most cases, ranked in every search that they match, however old.
    static let kbProvenCandidates = 16

    public func searchArticles(_ p: Principal, _ req: KBSearchRequest) async throws -> KBSearchReply {
        guard req.query.count <= 256 else { throw SwarmError.badRequest("query is at most 256 characters") }
        let words = SearchQuery.words(req.query)
        guard !words.isEmpty else { throw SwarmError.badRequest("query has no words") }
        if let l = req.limit, l < 1 || l > 100 { throw SwarmError.badRequest("limit must be 1–100") }
        return try await read { db in
            if db.dialect == .postgres {
                return KBSearchReply(results: try Self.kbSearchPostgres(db, words: words, prefixLast: true, anyWord: false, tags: req.tags ?? [],
                                                                        language: req.language, limit: req.limit ?? 10, cap: self.kbSearchCandidates))
            }
            let tokenizer = try KBTokenizer(db.sqlite())
            let query = KBQuery(words: words, tokenizer: tokenizer, prefixLast: true, anyWord: false)
            return KBSearchReply(results: try Self.kbSearch(db, query, tags: req.tags ?? [], language: req.language, limit: req.limit ?? 10,
                                                            cap: self.kbSearchCandidates, tokenizer: tokenizer))
        }
    }

    /// Articles for a case: its title, tags and the last inbound customer messages, any word matching.
    public func suggestArticles(_ p: Principal, _ req: KBSuggestRequest) async throws -> KBSearchReply {
        if let l = req.limit, l < 1 || l > 50 { throw SwarmError.badRequest("limit must be 1–50") }
        return try await read { db in
            let c = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: c, .caseGet)
            let recent = try db.fetchAll(String.self, """
                SELECT text FROM timeline WHERE case_id = ? AND kind = 'interaction' AND direction = 'inbound' ORDER BY id DESC LIMIT 3
                """, [c["id"]])
            let words = SearchQuery.suggestionWords(([c["title"] as String] + Self.decodeList(c["tags"]) + recent).joined(separator: " "))
            if db.dialect == .postgres {
                return KBSearchReply(results: try Self.kbSearchPostgres(db, words: words, prefixLast: false, anyWord: true, tags: [], language: nil,
                                                                        limit: req.limit ?? 5, cap: self.kbSearchCandidates))
            }
            let tokenizer = try KBTokenizer(db.sqlite())
            let query = KBQuery(words: words, tokenizer: tokenizer, prefixLast: false, anyWord: true)
            return KBSearchReply(results: try Self.kbSearch(db, query, tags: [], language: nil, limit: req.limit ?? 5,
                                                            cap: self.kbSearchCandidates, tokenizer: tokenizer))
        }
    }

    static func kbSearch(_ db: SQLDB, _ query: KBQuery, tags: [String], language: String?, limit: Int, cap: Int,
                         tokenizer: KBTokenizer) throws -> [KBHit] {
        var query = query
        guard !query.terms.isEmpty else { return [] }
        // While a bulk import runs (or after one stopped half way, until the store next opens)
        // kb_terms lacks the new words: search then asks the indexes alone, slower but whole.
        let stale = try KBTerms.isStale(db.sqlite())
        // The last word as FTS5's own prefix, not a list of words: when the list cannot be trusted,
        // or the last word is a phrase of several tokens.
        let nativePrefix = query.prefixLast && (stale || !query.expandablePrefix)
        // A word that no approved article holds matches nothing: with every word required, no
        // result; with any word, it is left out.
        let docs = try termDocs(db, Set(query.exactTerms))
        if query.anyWord, !stale {
            query.terms = query.terms.filter { docs[$0] != nil }
            guard !query.terms.isEmpty else { return [] }
        } else if !stale {
            guard query.exactTerms.allSatisfy({ docs[$0] != nil }) else { return [] }
        }
        // One more than the body uses, to know whether the list is whole.
        let completions = query.expandablePrefix ? try prefixCompletions(db, query.terms.last!, limit: kbPrefixExpansion + 1) : []
        if query.expandablePrefix, completions.isEmpty, !stale { return [] }
        let filter = KBSearchFilter(tags: tags, language: language)
        let proven = try db.fetchAll(Int64.self, "SELECT article_id FROM kb_counts WHERE solved > 0 ORDER BY solved DESC LIMIT ?", [kbProvenCandidates])
        func quoted<S: Sequence<String>>(_ terms: S, _ separator: String) -> String { terms.map { "\"\($0)\"" }.joined(separator: separator) }
        func phase(_ table: String, _ weights: String, _ match: String, _ docs: [Int]) -> KBRankPhase {
            let marks = Array(repeating: ", ?", count: docs.count).joined()
            return KBRankPhase(table: table, rank: "\(KBRankFunction.name)(\(table), \(weights)\(marks))", rankArguments: docs, match: match)
        }
        // The words typed, all required (or any, for suggestions), with the last one as a prefix in
        // one of two forms: FTS5's own (`"rimb"*`), or an OR of (at most kbPrefixExpansion of) the
        // words it begins, which FTS5 reads lazily, newest first, where a prefix of 4+ letters
        // without an index it merges whole before the first row.
        func match(nativePrefix: Bool) -> (match: String, docs: [KBTermDocs]) {
            if query.anyWord { return (quoted(query.terms, " OR "), query.terms.map { docs[$0] ?? KBTermDocs() }) }
            var clauses = query.exactTerms.map { quoted([$0], "") }
            var counts = query.exactTerms.map { docs[$0] ?? KBTermDocs() }
            if nativePrefix {
                clauses.append(quoted([query.terms.last!], "") + "*")
                // The prefix phrase is in about as many articles as its words together.
                counts.append(completions.reduce(KBTermDocs()) { KBTermDocs(all: $0.all + $1.docs.all, head: $0.head + $1.docs.head) })
            } else if query.prefixLast {
                let words = completions.prefix(kbPrefixExpansion)
                clauses.append("(" + quoted(words.map(\.term), " OR ") + ")")
                counts += words.map(\.docs)
            }
            return (clauses.joined(separator: " AND "), counts)
        }
        let headWeights = "\(kbWeights.title), \(kbWeights.tags)"

        // 1. Titles and tags. A prefix of up to 6 letters has its own index there, and FTS5 merges
        //    the short title doclists of a longer one, unless its word list is whole (long
        //    prefixes begin few words): then it is expanded.
        let longWholePrefix = query.prefixLast && !nativePrefix && query.terms.last!.unicodeScalars.count > 6 && completions.count <= kbPrefixExpansion
        let headMatch = match(nativePrefix: query.prefixLast && !longWholePrefix)
        let head = phase("kb_head", headWeights, headMatch.match, headMatch.docs.map(\.head))
        var ranked = try head.run(db, filter: filter, limit: limit, cap: cap, proven: proven)
        // 2. Bodies, only when titles and tags do not fill the page, ranked by swarm_rank with
        //    document counts from kb_terms.
        if ranked.count < limit {
            let bodyMatch = match(nativePrefix: nativePrefix)
            let body = phase("kb_fts", headWeights + ", \(kbWeights.body)", bodyMatch.match, bodyMatch.docs.map(\.all))
            let seen = Set(ranked.map(\.id))
            ranked += try body.run(db, filter: filter, limit: limit + ranked.count, cap: cap, proven: proven)
                .filter { !seen.contains($0.id) }.prefix(limit - ranked.count)
        }
        let highlighter = KBHighlighter(matcher: query.matcher, tokenizer: tokenizer)
        return try kbHits(db, ranked, highlighter)
    }

    /// How many approved articles hold each term (anywhere, and in title or tags); absent terms are in none.
    /// A phrase of several tokens counts as its rarest token (an upper bound on its articles), and
    /// is absent when one of them is.
    static func termDocs(_ db: SQLDB, _ terms: Set<String>) throws -> [String: KBTermDocs] {
        var docs: [String: KBTermDocs] = [:]
        terms: for term in terms {
            var found: KBTermDocs?
            for token in term.split(separator: " ") {
                guard let row = try db.fetchOne("SELECT docs, head_docs FROM kb_terms WHERE term = ?", [String(token)]) else { continue terms }
                let counts = KBTermDocs(all: row[0], head: row[1])
                found = found.map { KBTermDocs(all: min($0.all, counts.all), head: min($0.head, counts.head)) } ?? counts
            }
            docs[term] = found
        }
        return docs
    }

    /// The words `prefix` begins, the word itself first, then the most common.
    static func prefixCompletions(_ db: SQLDB, _ prefix: String, limit: Int) throws -> [(term: String, docs: KBTermDocs)] {
        try db.fetchAll("""
            SELECT term, docs, head_docs FROM kb_terms WHERE term >= ? AND term < ? ORDER BY term = ? DESC, docs DESC LIMIT ?
            """, [prefix, prefix + "\u{10FFFF}", prefix, limit]).map { row -> (term: String, docs: KBTermDocs) in (term: row[0], docs: KBTermDocs(all: row[1], head: row[2])) }
    }

    /// The page: details of the ranked articles, title highlighted, snippet from the body.
    static func kbHits(_ db: SQLDB, _ ranked: [(id: Int64, rank: Double)], _ highlighter: KBHighlighter) throws -> [KBHit] {
        guard !ranked.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ranked.count).joined(separator: ", ")
        var rows: [Int64: SQLRow] = [:]
        for r in try db.fetchAll("""
            SELECT a.id, a.title, a.body, a.tags, a.language, a.audience, a.version, COALESCE(k.solved, 0) AS solved
            FROM kb_articles a LEFT JOIN kb_counts k ON k.article_id = a.id WHERE a.id IN (\(marks))
            """, SQLArguments(ranked.map(\.id))) {
            rows[r["id"]] = r
        }
        return ranked.compactMap { hit in
            rows[hit.id].map { r in
                // `tags` is the index's copy of tags_json, joined by spaces (tag names have none).
                KBHit(id: Ids.make(.article, hit.id), title: r["title"], tags: (r["tags"] as String).split(separator: " ").map(String.init), language: r["language"],
                      audience: KBAudience(rawValue: r["audience"]) ?? .internal, version: r["version"],
                      titleHighlight: highlighter.highlight(r["title"]), snippet: highlighter.snippet(r["body"]), solved: r["solved"], rank: hit.rank)
            }
        }
    }
}

/// Approved articles holding a term: anywhere (the body index) and in title or tags (the head index).
struct KBTermDocs {
    var all = 0
    var head = 0
}

/// The request's filters, as a join on the covering index and conditions on it.
struct KBSearchFilter {
    var join = ""
    var conditions = ""
    var arguments: [any SQLBindable] = []

    init(tags: [String], language: String?) {
        for tag in tags {
            conditions += " AND EXISTS (SELECT 1 FROM json_each(a.tags_json) WHERE value = ?)"
            arguments.append(tag.lowercased())
        }
        if let language {
            conditions += " AND a.language = ?"
            arguments.append(language.lowercased())
        }
        // The article row holds title and body before language and tags: read through an index,
        // the narrow one when only the language is asked (its pages stay in the page cache:
        // `order cancel` in English 2.8 → 2.2–2.4 ms median at 100,000 articles).
        let index = tags.isEmpty ? KBSearchSchema.languageIndex : KBSchema.searchFilterIndex
        if !arguments.isEmpty { join = "JOIN kb_articles a INDEXED BY \(index) ON a.id = f.rowid" }
    }
}

/// One ranked group of a search: its table, rank expression and MATCH.
struct KBRankPhase {
    var table: String
    var rank: String
    var rankArguments: [Int]
    var match: String

    /// The best `limit` of the newest `cap` matches (every match when `cap` is 0) and of the
    /// proven articles that match, best first.
    func run(_ db: SQLDB, filter: KBSearchFilter, limit: Int, cap: Int, proven: [Int64]) throws -> [(id: Int64, rank: Double)] {
        // Ranked and cut to `limit` in SQL: only the page's rows come back to Swift.
        func scored(_ restriction: String, _ extra: [any SQLBindable]) throws -> [(id: Int64, rank: Double)] {
            var arguments = SQLArguments(rankArguments)
            arguments += [match]
            arguments += SQLArguments(filter.arguments)
            arguments += SQLArguments(extra)
            arguments += [limit]
            var rows = try db.fetchCursor("""
                SELECT id, rank FROM (
                    SELECT f.rowid AS id, \(rank) - 0.5 * ln(1 + COALESCE(k.solved, 0)) AS rank
                    FROM \(table) f \(filter.join) LEFT JOIN kb_counts k ON k.article_id = f.rowid
                    WHERE \(table) MATCH ? \(filter.conditions) \(restriction)
                ) ORDER BY rank LIMIT ?
                """, arguments)
            var hits: [(id: Int64, rank: Double)] = []
            while let row = try rows.next() { hits.append((id: row[0], rank: row[1])) }
            return hits
        }
        // FTS5 walks a doclist newest first and stops at the cap; ranking happens on those rows only.
        var hits = try scored("ORDER BY f.rowid DESC LIMIT ?", [cap > 0 ? max(cap, limit) : -1])
        if cap > 0, let low = proven.min(), let high = proven.max() {
            // One pass over the rowid range: `rowid IN (…)` alone would run the MATCH once per id.
            let marks = Array(repeating: "?", count: proven.count).joined(separator: ", ")
            let seen = Set(hits.map(\.id))
            hits += try scored("AND f.rowid BETWEEN ? AND ? AND +f.rowid IN (\(marks))", [low, high] + proven).filter { !seen.contains($0.id) }
            hits = Array(hits.sorted { $0.rank < $1.rank }.prefix(limit))
        }
        return hits
    }
}
