import GRDB

/// Intake signals per contact and per case (migration `v7-intake-signals`): public vs private,
/// the brand account reached and whether it is dedicated to care, the author's reach and
/// verified flag. NULL on a contact: not given.
enum IntakeSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE timeline ADD COLUMN public INTEGER;
            ALTER TABLE timeline ADD COLUMN account TEXT;
            ALTER TABLE timeline ADD COLUMN dedicated INTEGER;
            ALTER TABLE timeline ADD COLUMN reach INTEGER;
            ALTER TABLE timeline ADD COLUMN verified INTEGER;
            -- The case keeps the strongest signal seen over its contacts, for the queue and SLA policies.
            ALTER TABLE cases ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE cases ADD COLUMN account TEXT;
            ALTER TABLE cases ADD COLUMN reach INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE cases ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX timeline_account ON timeline(account, at) WHERE account IS NOT NULL;
            """)
    }
}
