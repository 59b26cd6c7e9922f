import Foundation

/// Migration `pg-v2-search`: text search on PostgreSQL, where SQLite has its FTS5 tables.
///
/// - `swarm_fold(text)`: what both sides of a search are folded with: accents removed (the
///   `unaccent` extension, trusted since PostgreSQL 13, so a database owner may install it),
///   lower case, every run of characters other than letters and digits made one space. The
///   `simple` configuration then splits at those spaces and keeps every word (no stop words, no
///   stemming), so a word is what PROTOCOL calls a word: a run of letters and digits, as FTS5's
///   unicode61 tokenizer cuts it (PostgreSQL's own parser would keep `example.com` or `1.5`
///   whole). Declared IMMUTABLE so generated columns and indexes can use it; the dictionary is
///   named with its schema so the result does not depend on `search_path`.
/// - Generated tsvector columns, kept current by PostgreSQL on every write (no trigger, no store
///   code): `kb_articles.search_head` (title weight A, tags B) and `search_all` (the same plus
///   the body, C), and `messages.search`. Partial GIN indexes cover only what search can return:
///   approved articles, messages not deleted.
enum PostgresSearchSchema {
    static let v2 = """
    CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE FUNCTION swarm_fold(t TEXT) RETURNS TEXT LANGUAGE SQL IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, t)), '[^[:alnum:]]+', ' ', 'g') $$;
    ALTER TABLE kb_articles ADD COLUMN search_head tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, swarm_fold(title)), 'A')
        || setweight(to_tsvector('simple'::regconfig, swarm_fold(tags)), 'B')) STORED;
    ALTER TABLE kb_articles ADD COLUMN search_all tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, swarm_fold(title)), 'A')
        || setweight(to_tsvector('simple'::regconfig, swarm_fold(tags)), 'B')
        || setweight(to_tsvector('simple'::regconfig, swarm_fold(body)), 'C')) STORED;
    CREATE INDEX kb_search_head ON kb_articles USING gin (search_head) WHERE state = 'approved';
    CREATE INDEX kb_search_all ON kb_articles USING gin (search_all) WHERE state = 'approved';
    ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, swarm_fold(body))) STORED;
    CREATE INDEX messages_search ON messages USING gin (search) WHERE deleted_at IS NULL;
    """
}
