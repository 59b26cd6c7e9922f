import Foundation
import GRDB

/// A search as PostgreSQL's tsvector columns see it (see PostgresSearchSchema): each word typed,
/// folded by the database's own `swarm_fold`, so the query meets the index exactly as it was
/// built; a word that folds into several (`e-mail`, a vowel sign) is a phrase of them.
struct PostgresTextQuery {
    /// One entry per word: its folded tokens, in order (at most 16).
    var words: [[String]]
    /// The last word's last token matches every word it begins (search-as-you-type).
    var prefixLast: Bool
    /// Any word may match (kb.suggest) instead of every one.
    var anyWord: Bool

    init(_ db: SQLDB, words typed: [String], prefixLast: Bool, anyWord: Bool) throws {
        var folded: [[String]] = []
        if !typed.isEmpty {
            let json = String(decoding: try JSONEncoder().encode(typed), as: UTF8.self)
            folded = try db.fetchAll(String.self, """
                SELECT swarm_fold(w.value) FROM json_array_elements_text(CAST(? AS json)) WITH ORDINALITY AS w(value, n) ORDER BY w.n
                """, [json]).map { Array($0.split(separator: " ").map(String.init).prefix(16)) }
        }
        var seen = Set<[String]>()
        words = folded.filter { !$0.isEmpty && (!anyWord || seen.insert($0).inserted) }
        self.prefixLast = prefixLast
        self.anyWord = anyWord
    }

    /// The `to_tsquery('simple', …)` text: every word required (or any), each a quoted lexeme or
    /// a phrase of them, the last one's last token with `:*`. Nil when no word is left. Tokens are
    /// letters and digits only; quotes are still escaped so no input can become an operator.
    var tsquery: String? {
        guard !words.isEmpty else { return nil }
        let terms = words.enumerated().map { i, tokens -> String in
            var parts = tokens.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'" }
            if prefixLast, i == words.count - 1 { parts[parts.count - 1] += ":*" }
            return "(" + parts.joined(separator: " <-> ") + ")"
        }
        return terms.joined(separator: anyWord ? " | " : " & ")
    }

    /// Every token, for highlighting: whole, except the prefix (the last word's last token).
    var matcher: KBMatcher {
        var exact = words.flatMap { $0 }
        guard prefixLast, let prefix = exact.popLast() else { return KBMatcher(exact: exact, prefix: nil) }
        return KBMatcher(exact: exact, prefix: prefix)
    }
}

extension KBTokenizer {
    /// FTS5's unicode61 tokenizer (the one SQLite's indexes use) from a private in-memory SQLite
    /// database, for highlights and snippets on PostgreSQL: the same code marks words on both
    /// backends. Opening an empty in-memory database costs microseconds, next to the search.
    static func standalone<T>(_ body: (KBTokenizer) throws -> T) throws -> T {
        let queue = try DatabaseQueue()
        return try queue.inDatabase { try body(KBTokenizer($0)) }
    }
}
