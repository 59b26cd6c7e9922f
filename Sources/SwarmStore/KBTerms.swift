import GRDB

/// `kb_terms`: each word of the approved articles (title, tags, body, folded as FTS5 folds them)
/// with the number of approved articles that hold it. Single writes adjust it in their own
/// transaction; a bulk import rebuilds it once at its end from the FTS index itself, which costs
/// one pass over the index (≈ 1 s per 100,000 articles) instead of tokenizing every body twice.
enum KBTerms {
    /// Set while a bulk import is under way, cleared by the rebuild that ends it; found set when
    /// the store opens, the import was interrupted and the list is rebuilt then.
    static let staleKey = "kb_terms_stale"

    /// Rebuilds the list from the body index (which holds title and tags too).
    static func refresh(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM kb_terms;
            INSERT INTO kb_terms(term, docs) SELECT term, doc FROM kb_fts_vocab;
            DELETE FROM meta WHERE key = '\(staleKey)';
            """)
    }

    static func markStale(_ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')").execute(arguments: [staleKey])
    }

    static func refreshIfStale(_ db: Database) throws {
        if try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [staleKey]) != nil {
            try refresh(db)
        }
    }

    /// The distinct terms of one article's indexed text.
    static func terms(_ db: Database, title: String, tags: String, body: String) throws -> Set<String> {
        let tokenizer = try KBTokenizer(db)
        return Set(tokenizer.terms(title) + tokenizer.terms(tags) + tokenizer.terms(body))
    }

    /// Counts an article's terms in (`by` 1) or out (`by` -1) of the approved base; terms no
    /// approved article holds any more are dropped.
    static func count(_ db: Database, _ terms: Set<String>, by delta: Int) throws {
        guard !terms.isEmpty else { return }
        let upsert = try db.cachedStatement(sql: "INSERT INTO kb_terms(term, docs) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET docs = docs + excluded.docs")
        let drop = try db.cachedStatement(sql: "DELETE FROM kb_terms WHERE term = ? AND docs <= 0")
        for term in terms {
            try upsert.execute(arguments: [term, delta])
            if delta < 0 { try drop.execute(arguments: [term]) }
        }
    }

    /// Moves the counts from an article's old text (nil: it was not approved) to its new one
    /// (nil: it is no longer approved).
    static func replace(_ db: Database, old: (title: String, tags: String, body: String)?, new: (title: String, tags: String, body: String)?) throws {
        let before = try old.map { try terms(db, title: $0.title, tags: $0.tags, body: $0.body) } ?? []
        let after = try new.map { try terms(db, title: $0.title, tags: $0.tags, body: $0.body) } ?? []
        try count(db, before.subtracting(after), by: -1)
        try count(db, after.subtracting(before), by: 1)
    }
}
