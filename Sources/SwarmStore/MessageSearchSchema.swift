import GRDB

/// Migration `v17-message-search-file` (SQLite only): the message search index leaves the
/// database file for a file of its own (`MessageSearchIndex`), filled by its own writer after the
/// posts commit instead of by triggers inside every post's transaction, where it was ~30 % of the
/// writer's time (issue 14). What stays here is what that writer needs to follow the messages:
/// - new messages are found by id (`messages.id` above what the index has seen);
/// - a changed or removed body is noted in `message_search_changes` (seq order), because an
///   edit or a delete touches an id the index has seen already. Reply counts and marks change
///   `messages` too, but not a body: they are not noted (the old triggers re-indexed on them);
/// - `message_search_owner` names this database, so an index file made for another database
///   (a copied or replaced file) is recognised and rebuilt.
/// The old FTS5 table and its triggers are dropped; the index file is rebuilt from `messages` on
/// the first start after this migration.
///
/// This relies on messages never being deleted (a delete is a soft one: the body emptied, an
/// edit): `messages.id` has no AUTOINCREMENT, so a hard delete of the newest message would let
/// the next post take its id, which the index has read already. A hard delete, if one is ever
/// added, needs AUTOINCREMENT ids or its own note to the index.
enum MessageSearchSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER IF EXISTS "__message_fts_ai";
            DROP TRIGGER IF EXISTS "__message_fts_ad";
            DROP TRIGGER IF EXISTS "__message_fts_au";
            DROP TABLE IF EXISTS message_fts;
            CREATE TABLE message_search_changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id INTEGER NOT NULL
            );
            CREATE TRIGGER message_search_body_changed AFTER UPDATE OF body ON messages
            WHEN NEW.body IS NOT OLD.body BEGIN
                INSERT INTO message_search_changes(message_id) VALUES (NEW.id);
            END;
            CREATE TRIGGER message_search_removed AFTER DELETE ON messages BEGIN
                INSERT INTO message_search_changes(message_id) VALUES (OLD.id);
            END;
            CREATE TABLE message_search_owner (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                token TEXT NOT NULL
            );
            INSERT INTO message_search_owner(id, token) VALUES (1, lower(hex(randomblob(16))));
            """)
    }
}
