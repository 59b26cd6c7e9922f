import GRDB

/// Duplicates, noise and topics (migration `v8-duplicates-topics`, PROTOCOL §23).
enum DupesSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            -- The earlier inbound entry of the same customer this contact repeats.
            ALTER TABLE timeline ADD COLUMN duplicate_of INTEGER;
            -- The per-inbound duplicate check reads only this customer's recent inbound contacts.
            CREATE INDEX timeline_inbound ON timeline(customer_id, at) WHERE kind = 'interaction' AND direction = 'inbound';
            CREATE TABLE case_topics (
                case_id INTEGER NOT NULL REFERENCES cases(id),
                topic TEXT NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('rule', 'manual')),
                PRIMARY KEY (case_id, topic)
            ) WITHOUT ROWID;
            CREATE INDEX case_topics_topic ON case_topics(topic, case_id);
            -- One row per inbound contact (not a duplicate) per topic, for the spike rule and reports.
            CREATE TABLE topic_hits (
                topic TEXT NOT NULL,
                at TEXT NOT NULL,
                case_id INTEGER NOT NULL
            );
            CREATE INDEX topic_hits_topic ON topic_hits(topic, at);
            -- When each topic last alerted: at most one alert per topic per hour, across restarts.
            CREATE TABLE topic_alerts (
                topic TEXT PRIMARY KEY,
                last_at TEXT NOT NULL
            ) WITHOUT ROWID;
            -- Contacts the noise filter held back, with the request as sent so a restore replays it.
            CREATE TABLE filtered_contacts (
                id INTEGER PRIMARY KEY,
                rule TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'filtered' CHECK (state IN ('filtered', 'restored', 'confirmed')),
                at TEXT NOT NULL,
                channel TEXT NOT NULL,
                external_id TEXT,
                identity TEXT,
                author TEXT,
                text TEXT NOT NULL,
                request TEXT NOT NULL,
                by_user INTEGER NOT NULL REFERENCES users(id),
                created_at TEXT NOT NULL,
                decided_by INTEGER REFERENCES users(id),
                decided_at TEXT,
                case_id INTEGER REFERENCES cases(id),
                entry_id INTEGER REFERENCES timeline(id)
            );
            CREATE INDEX filtered_state ON filtered_contacts(state, id);
            CREATE UNIQUE INDEX filtered_external ON filtered_contacts(channel, external_id) WHERE external_id IS NOT NULL;
            """)
    }
}
