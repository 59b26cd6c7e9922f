import GRDB

/// `kb_terms`: each word of the approved articles (title, tags, body, folded as FTS5 folds them)
/// with the number of approved articles that hold it. Single writes adjust it in their own
/// transaction; a bulk import rebuilds it once at its end from the FTS index itself, which costs
/// one pass over the index (≈ 1 s per 100,000 articles) instead of tokenizing every body twice.
enum KBTerms {
    /// Set while a bulk import is under way, cleared by the rebuild that ends it; found set when
    /// the store opens, the import was interrupted and the list is rebuilt then. While it is set,
    /// kb.search does not trust the list (see kbSearch).
    static let staleKey = "kb_terms_stale"

    /// Rebuilds the list from the body index (which holds title and tags too).
    static func refresh(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM kb_terms;
            INSERT INTO kb_terms(term, docs) SELECT term, doc FROM kb_fts_vocab;
            UPDATE kb_terms SET head_docs = v.doc FROM kb_head_vocab v WHERE v.term = kb_terms.term;
            DELETE FROM meta WHERE key = '\(staleKey)';
            """)
    }

    static func markStale(_ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')").execute(arguments: [staleKey])
    }

    static func isStale(_ db: Database) throws -> Bool {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [staleKey]) != nil
    }

    static func refreshIfStale(_ db: Database) throws {
        if try isStale(db) { try refresh(db) }
    }

    /// An article's indexed text: title, tags (joined by spaces, as `kb_articles.tags`), body.
    typealias Text = (title: String, tags: String, body: String)

    /// The distinct terms of one article's title and tags, and of all its indexed text.
    static func terms(_ tokenizer: KBTokenizer, _ text: Text) -> (head: Set<String>, all: Set<String>) {
        let head = Set(tokenizer.terms(text.title) + tokenizer.terms(text.tags))
        return (head, head.union(tokenizer.terms(text.body)))
    }

    /// Counts terms in (`by` 1) or out (`by` -1) of the approved base, in `docs` and, for `head`
    /// terms, in `head_docs` too; terms no approved article holds any more are dropped.
    static func count(_ db: Database, all: Set<String>, head: Set<String>, by delta: Int) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO kb_terms(term, docs, head_docs) VALUES (?, ?, ?)
            ON CONFLICT(term) DO UPDATE SET docs = docs + excluded.docs, head_docs = head_docs + excluded.head_docs
            """)
        let drop = try db.cachedStatement(sql: "DELETE FROM kb_terms WHERE term = ? AND docs <= 0")
        for term in all.union(head) {
            try upsert.execute(arguments: [term, all.contains(term) ? delta : 0, head.contains(term) ? delta : 0])
            if delta < 0 { try drop.execute(arguments: [term]) }
        }
    }

    /// Moves the counts from an article's old text (nil: it was not approved) to its new one
    /// (nil: it is no longer approved).
    static func replace(_ db: Database, old: Text?, new: Text?) throws {
        let tokenizer = try KBTokenizer(db)
        let before = old.map { terms(tokenizer, $0) } ?? (head: [], all: [])
        let after = new.map { terms(tokenizer, $0) } ?? (head: [], all: [])
        try count(db, all: before.all.subtracting(after.all), head: before.head.subtracting(after.head), by: -1)
        try count(db, all: after.all.subtracting(before.all), head: after.head.subtracting(before.head), by: 1)
    }
}
