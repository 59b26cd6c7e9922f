import GRDB

/// SLA clocks per case and the durable alert index (migration `v9-sla-clocks`).
///
/// `case_sla` is derived: it is rewritten from the case's timeline on every contact and status
/// move, so it can always be rebuilt. `sla_alerts` is both the "next due" index and the record of
/// what fired: a pending row (fired_at NULL) is a warning or breach the scheduler fires at
/// `due_at`; a fired row stays, and its key (case, clock, level, cycle = start of the wait)
/// keeps the same alert from being scheduled again, across restarts.
enum SLASchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE case_sla (
                case_id INTEGER PRIMARY KEY REFERENCES cases(id),
                policy TEXT NOT NULL,
                first_response_due TEXT,
                first_response_state TEXT,
                first_response_seconds INTEGER,
                first_response_business_seconds INTEGER,
                first_response_met INTEGER,
                next_response_started TEXT,
                next_response_due TEXT,
                next_response_state TEXT,
                next_response_seconds INTEGER,
                next_response_business_seconds INTEGER,
                next_response_met INTEGER,
                resolution_due TEXT,
                resolution_state TEXT,
                resolution_seconds INTEGER,
                resolution_business_seconds INTEGER,
                resolution_met INTEGER,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE sla_alerts (
                case_id INTEGER NOT NULL REFERENCES cases(id),
                clock TEXT NOT NULL,
                level TEXT NOT NULL,
                cycle TEXT NOT NULL,
                due_at TEXT NOT NULL,
                fired_at TEXT,
                PRIMARY KEY (case_id, clock, level, cycle)
            ) WITHOUT ROWID;
            CREATE INDEX sla_alerts_due ON sla_alerts(due_at) WHERE fired_at IS NULL;
            """)
    }
}
