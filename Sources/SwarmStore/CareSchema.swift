import GRDB

/// Redirects and customer satisfaction (migration `v10-care`, PROTOCOL §25). A redirect is an
/// outbound interaction whose `redirect_to` names the contact channel the customer was sent to;
/// reports derive "% resolved in the channel of first contact" from it. One CSAT answer per case.
enum CareSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE timeline ADD COLUMN redirect_to TEXT;
            CREATE TABLE case_csat (
                case_id INTEGER PRIMARY KEY REFERENCES cases(id),
                score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
                comment TEXT,
                at TEXT NOT NULL,
                by_user INTEGER REFERENCES users(id)
            );
            -- Reports look up a case's redirects (few per case) by case.
            CREATE INDEX timeline_redirect ON timeline(case_id, redirect_to) WHERE redirect_to IS NOT NULL;
            """)
    }
}
