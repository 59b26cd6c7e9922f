import GRDB

/// The search side of the knowledge base (migration `v5-kb-search-head-and-terms`), replacing the
/// single `kb_fts` of `v3-kb`, which made every common search walk body doclists:
///
/// - `kb_head` (title, tags): small, with prefix indexes of 1–6 letters. Title and tag matches rank
///   first, so most searches read only this index. In `kb_fts` a title word's doclist also held
///   every body position of that word (10–35 % of a 100,000-article base for common words).
/// - `kb_fts` (title, tags, body): the body search, **without** prefix indexes. Half of a bulk
///   import's time went into the 2- and 3-letter prefix indexes of the bodies, and a prefix of 4
///   letters or more still merged every matching term's doclist before the first row. A prefix is
///   now expanded into the words it begins, taken from `kb_terms`, and FTS5 reads an OR of words
///   lazily, newest first, stopping at the candidate cap.
/// - `kb_terms`: every word of the indexed articles with the number of articles holding it, and
///   holding it in title or tags: the prefix expansions, an early "no such word, no results",
///   and the IDF of the ranking (`swarm_rank`), which bm25 would otherwise compute by reading
///   every doclist to its end.
///
/// Both FTS tables index **approved** articles only (search never returns another state), so
/// search needs no state filter; triggers keep them in step with `kb_articles`.
enum KBSearchSchema {
    static let tokenizer = "tokenize='unicode61 remove_diacritics 2'"
    /// The tokenizer of both tables, for tokenizing in Swift exactly as FTS5 does.
    static let tokenizerDescriptor = FTS5TokenizerDescriptor.unicode61(diacritics: .remove)

    /// kb.search's language filter, without the tags of the wider `kb_search_filter`.
    static let languageIndex = "kb_search_language"

    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX \(languageIndex) ON kb_articles(id, language);
            DROP TRIGGER IF EXISTS __kb_fts_ai;
            DROP TRIGGER IF EXISTS __kb_fts_ad;
            DROP TRIGGER IF EXISTS __kb_fts_au;
            DROP TABLE kb_fts;
            CREATE VIRTUAL TABLE kb_fts USING fts5(title, tags, body, content='kb_articles', content_rowid='id', \(tokenizer));
            -- Merge body segments 8 at a time instead of 4: a bulk import rewrites the index less
            -- often (100,000 articles: 4,317 → 5,265/s in a replay through the system SQLite),
            -- and searches were as fast (p99 4.57 against 4.47 ms; at 16, 5.26 ms).
            INSERT INTO kb_fts(kb_fts, rank) VALUES ('automerge', 8);
            CREATE VIRTUAL TABLE kb_head USING fts5(title, tags, content='kb_articles', content_rowid='id', \(tokenizer), prefix='1 2 3 4 5 6');
            CREATE VIRTUAL TABLE kb_fts_vocab USING fts5vocab(kb_fts, 'row');
            CREATE VIRTUAL TABLE kb_head_vocab USING fts5vocab(kb_head, 'row');
            -- docs: approved articles holding the term anywhere; head_docs: in title or tags.
            CREATE TABLE kb_terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL, head_docs INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
            INSERT INTO kb_fts(rowid, title, tags, body) SELECT id, title, tags, body FROM kb_articles WHERE state = 'approved';
            INSERT INTO kb_head(rowid, title, tags) SELECT id, title, tags FROM kb_articles WHERE state = 'approved';
            CREATE TRIGGER kb_search_ai AFTER INSERT ON kb_articles WHEN new.state = 'approved' BEGIN
                INSERT INTO kb_fts(rowid, title, tags, body) VALUES (new.id, new.title, new.tags, new.body);
                INSERT INTO kb_head(rowid, title, tags) VALUES (new.id, new.title, new.tags);
            END;
            CREATE TRIGGER kb_search_ad AFTER DELETE ON kb_articles WHEN old.state = 'approved' BEGIN
                INSERT INTO kb_fts(kb_fts, rowid, title, tags, body) VALUES ('delete', old.id, old.title, old.tags, old.body);
                INSERT INTO kb_head(kb_head, rowid, title, tags) VALUES ('delete', old.id, old.title, old.tags);
            END;
            -- Only changes of what is indexed, or of the state, touch the indexes (not updated_at).
            CREATE TRIGGER kb_search_au AFTER UPDATE OF title, tags, body, state ON kb_articles BEGIN
                INSERT INTO kb_fts(kb_fts, rowid, title, tags, body) SELECT 'delete', old.id, old.title, old.tags, old.body WHERE old.state = 'approved';
                INSERT INTO kb_head(kb_head, rowid, title, tags) SELECT 'delete', old.id, old.title, old.tags WHERE old.state = 'approved';
                INSERT INTO kb_fts(rowid, title, tags, body) SELECT new.id, new.title, new.tags, new.body WHERE new.state = 'approved';
                INSERT INTO kb_head(rowid, title, tags) SELECT new.id, new.title, new.tags WHERE new.state = 'approved';
            END;
            """)
        try KBTerms.refresh(db)
    }
}

/// Migration `v6-kb-versions-body-once`: the current version's body lives in `kb_articles` only
/// (`kb_versions.body` is NULL for it) and moves into its version row when a newer version
/// replaces it. Every version is still kept; a bulk import no longer writes each body twice.
enum KBVersionsSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE kb_versions_new (
                article_id INTEGER NOT NULL REFERENCES kb_articles(id),
                version INTEGER NOT NULL,
                title TEXT NOT NULL,
                body TEXT,
                tags_json TEXT NOT NULL,
                author_id INTEGER NOT NULL REFERENCES users(id),
                at TEXT NOT NULL,
                PRIMARY KEY (article_id, version)
            ) WITHOUT ROWID;
            INSERT INTO kb_versions_new(article_id, version, title, body, tags_json, author_id, at)
                SELECT v.article_id, v.version, v.title, CASE WHEN v.version = a.version THEN NULL ELSE v.body END, v.tags_json, v.author_id, v.at
                FROM kb_versions v JOIN kb_articles a ON a.id = v.article_id;
            DROP TABLE kb_versions;
            ALTER TABLE kb_versions_new RENAME TO kb_versions;
            """)
    }
}
