import GRDB

/// Schema history. Migrations are never edited once released; a change is a new migration.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-foundation") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    display_name TEXT,
                    role TEXT NOT NULL,
                    skills TEXT NOT NULL DEFAULT '[]',
                    created_at TEXT NOT NULL,
                    deactivated_at TEXT
                );
                CREATE TABLE tokens (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    hash BLOB NOT NULL UNIQUE,
                    label TEXT,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                );
                CREATE INDEX tokens_user ON tokens(user_id);
                CREATE TABLE channels (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('public', 'private', 'dm')),
                    topic TEXT,
                    created_by INTEGER REFERENCES users(id),
                    created_at TEXT NOT NULL
                );
                CREATE TABLE members (
                    channel_id INTEGER NOT NULL REFERENCES channels(id),
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    joined_at TEXT NOT NULL,
                    last_read INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (channel_id, user_id)
                ) WITHOUT ROWID;
                CREATE INDEX members_user ON members(user_id, channel_id);
                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY,
                    channel_id INTEGER NOT NULL REFERENCES channels(id),
                    author_id INTEGER NOT NULL REFERENCES users(id),
                    body TEXT NOT NULL,
                    thread_id INTEGER REFERENCES messages(id),
                    reply_count INTEGER NOT NULL DEFAULT 0,
                    mentions TEXT NOT NULL DEFAULT '[]',
                    created_at TEXT NOT NULL,
                    edited_at TEXT,
                    deleted_at TEXT
                );
                CREATE INDEX messages_channel ON messages(channel_id, id);
                CREATE INDEX messages_thread ON messages(thread_id, id) WHERE thread_id IS NOT NULL;
                CREATE TABLE message_versions (
                    message_id INTEGER NOT NULL REFERENCES messages(id),
                    version INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    edited_by INTEGER NOT NULL REFERENCES users(id),
                    edited_at TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    PRIMARY KEY (message_id, version)
                ) WITHOUT ROWID;
                CREATE TABLE mentions (
                    message_id INTEGER NOT NULL REFERENCES messages(id),
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    channel_id INTEGER NOT NULL,
                    PRIMARY KEY (user_id, message_id)
                ) WITHOUT ROWID;
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    type TEXT NOT NULL,
                    channel_id INTEGER,
                    user_id INTEGER,
                    message_id INTEGER,
                    data TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX events_channel ON events(channel_id, seq) WHERE channel_id IS NOT NULL;
                CREATE INDEX events_user ON events(user_id, seq) WHERE user_id IS NOT NULL;
                CREATE INDEX events_message ON events(message_id) WHERE message_id IS NOT NULL;
                CREATE TABLE idempotency (
                    user_id INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    op TEXT NOT NULL,
                    result TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (user_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                """)
            // Kept in sync with `messages` by triggers GRDB creates; unicode61 folds diacritics.
            try db.create(virtualTable: "message_fts", using: FTS5()) { t in
                t.synchronize(withTable: "messages")
                t.tokenizer = .unicode61()
                t.prefixes = [2, 3]
                t.column("body")
            }
        }
        m.registerMigration("v2-cases", migrate: CaseSchema.create)
        m.registerMigration("v3-kb", migrate: KBSchema.create)
        m.registerMigration("v4-kb-search-filter", migrate: KBSchema.createSearchFilter)
        m.registerMigration("v5-kb-search-head-and-terms", migrate: KBSearchSchema.create)
        m.registerMigration("v6-kb-versions-body-once", migrate: KBVersionsSchema.create)
        m.registerMigration("v7-intake-signals", migrate: IntakeSchema.create)
        m.registerMigration("v8-duplicates-topics", migrate: DupesSchema.create)
        m.registerMigration("v9-sla-clocks", migrate: SLASchema.create)
        m.registerMigration("v10-care", migrate: CareSchema.create)
        m.registerMigration("v11-queue", migrate: QueueSchema.create)
        m.registerMigration("v12-reports", migrate: ReportSchema.create)
        m.registerMigration("v13-report-rollups", migrate: ReportRollupSchema.create)
        m.registerMigration("v14-queue-speed", migrate: QueueSchema.speedUp)
        m.registerMigration("v15-report-case-times", migrate: ReportCaseTimesSchema.create)
        m.registerMigration("v16-report-contact-days", migrate: ReportContactDaysSchema.create)
        m.registerMigration("v17-message-search-file", migrate: MessageSearchSchema.create)
        return m
    }
}
