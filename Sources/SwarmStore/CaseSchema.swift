import GRDB

/// Tables for customers, cases, their timeline, swarming and hand-offs (migration `v2-cases`).
enum CaseSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE users ADD COLUMN max_active_cases INTEGER NOT NULL DEFAULT 5;
            -- Bot tokens may be limited to some ops and to channels matching name patterns
            -- (JSON arrays; NULL = no limit).
            ALTER TABLE tokens ADD COLUMN scopes TEXT;
            ALTER TABLE tokens ADD COLUMN channel_patterns TEXT;
            -- Message cards: interactions, notes, hand-offs shown compactly in a thread; marks
            -- (question / answer) for open questions and knowledge capture.
            ALTER TABLE messages ADD COLUMN card TEXT;
            ALTER TABLE messages ADD COLUMN mark TEXT;
            ALTER TABLE messages ADD COLUMN answers INTEGER;
            -- Marked messages are few: open questions are found without scanning a long thread.
            CREATE INDEX messages_marked ON messages(thread_id, id) WHERE mark IS NOT NULL;

            CREATE TABLE customers (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                crm_id TEXT UNIQUE,
                tier TEXT,
                vip INTEGER NOT NULL DEFAULT 0,
                language TEXT,
                notes TEXT,
                merged_into INTEGER REFERENCES customers(id),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX customers_name ON customers(name COLLATE NOCASE);
            CREATE TABLE customer_identities (
                channel TEXT NOT NULL,
                handle TEXT NOT NULL,
                customer_id INTEGER NOT NULL REFERENCES customers(id),
                added_at TEXT NOT NULL,
                PRIMARY KEY (channel, handle)
            ) WITHOUT ROWID;
            CREATE INDEX identities_customer ON customer_identities(customer_id);

            CREATE TABLE cases (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                customer_id INTEGER NOT NULL REFERENCES customers(id),
                channel_id INTEGER NOT NULL REFERENCES channels(id),
                thread_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
                status TEXT NOT NULL,
                priority TEXT NOT NULL,
                owner_id INTEGER REFERENCES users(id),
                source_channel TEXT,
                summary TEXT,
                tags TEXT NOT NULL DEFAULT '[]',
                opened_by INTEGER NOT NULL REFERENCES users(id),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                sla_due_at TEXT NOT NULL,
                first_response_at TEXT,
                solved_at TEXT
            );
            CREATE INDEX cases_customer ON cases(customer_id, id);
            CREATE INDEX cases_owner ON cases(owner_id, status);
            CREATE INDEX cases_channel ON cases(channel_id, id);
            CREATE INDEX cases_status ON cases(status, id);
            CREATE TABLE case_tags (
                case_id INTEGER NOT NULL REFERENCES cases(id),
                tag TEXT NOT NULL,
                PRIMARY KEY (tag, case_id)
            ) WITHOUT ROWID;
            CREATE TABLE case_tickets (
                id INTEGER PRIMARY KEY,
                case_id INTEGER NOT NULL REFERENCES cases(id),
                system TEXT NOT NULL,
                key TEXT NOT NULL,
                url TEXT,
                linked_by INTEGER NOT NULL REFERENCES users(id),
                linked_at TEXT NOT NULL,
                unlinked_at TEXT
            );
            CREATE INDEX tickets_key ON case_tickets(system, key) WHERE unlinked_at IS NULL;
            CREATE INDEX tickets_case ON case_tickets(case_id) WHERE unlinked_at IS NULL;

            -- The customer's cross-channel history: contacts (interactions) and case events.
            CREATE TABLE timeline (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers(id),
                case_id INTEGER REFERENCES cases(id),
                kind TEXT NOT NULL,
                at TEXT NOT NULL,
                channel TEXT,
                direction TEXT,
                author TEXT,
                text TEXT NOT NULL,
                external_id TEXT,
                by_user INTEGER REFERENCES users(id),
                data TEXT
            );
            CREATE INDEX timeline_customer ON timeline(customer_id, id);
            CREATE INDEX timeline_case ON timeline(case_id, id);
            CREATE UNIQUE INDEX timeline_external ON timeline(channel, external_id) WHERE external_id IS NOT NULL;

            CREATE TABLE case_facts (
                case_id INTEGER NOT NULL REFERENCES cases(id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                source TEXT NOT NULL,
                by_user INTEGER NOT NULL REFERENCES users(id),
                at TEXT NOT NULL,
                PRIMARY KEY (case_id, key)
            ) WITHOUT ROWID;
            CREATE TABLE case_swarm (
                case_id INTEGER NOT NULL REFERENCES cases(id),
                user_id INTEGER NOT NULL REFERENCES users(id),
                invited_by INTEGER REFERENCES users(id),
                invited_at TEXT NOT NULL,
                joined_at TEXT,
                contributions INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (case_id, user_id)
            ) WITHOUT ROWID;
            CREATE INDEX swarm_user ON case_swarm(user_id, case_id);
            CREATE TABLE handoffs (
                id INTEGER PRIMARY KEY,
                case_id INTEGER NOT NULL REFERENCES cases(id),
                from_user INTEGER REFERENCES users(id),
                to_user INTEGER REFERENCES users(id),
                to_channel INTEGER REFERENCES channels(id),
                skill TEXT,
                note TEXT NOT NULL,
                at TEXT NOT NULL
            );
            CREATE INDEX handoffs_case ON handoffs(case_id, id);
            CREATE TABLE audit (
                id INTEGER PRIMARY KEY,
                action TEXT NOT NULL,
                by_user INTEGER REFERENCES users(id),
                data TEXT NOT NULL,
                at TEXT NOT NULL
            );
            """)
    }
}
