import GRDB

/// The triage queue's stored half (migration `v11-queue`, PROTOCOL §22.2): one row per case with
/// the time-independent score and its parts, kept current when the case changes, and the
/// urgency words found in its inbound texts, kept as contacts arrive. The time-dependent parts
/// (waiting, SLA pressure) are computed at read time from `waiting_since` and `cases.sla_due_at`.
enum QueueSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE case_queue (
                case_id INTEGER PRIMARY KEY REFERENCES cases(id),
                -- 1 while the case is new, open or pending: the only rows the queue reads.
                queued INTEGER NOT NULL,
                channel_id INTEGER NOT NULL,
                owner_id INTEGER,
                -- pending: waiting on the customer, so no waiting or SLA pressure.
                paused INTEGER NOT NULL DEFAULT 0,
                stored INTEGER NOT NULL DEFAULT 0,
                parts TEXT NOT NULL DEFAULT '[]',
                -- The oldest inbound contact not answered since (else the opening); NULL: answered.
                waiting_since TEXT,
                -- QueueRules.fingerprint the row was scored with; start-up rescoring finds stale rows.
                fingerprint TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX case_queue_stored ON case_queue(stored DESC, case_id) WHERE queued = 1;
            CREATE INDEX case_queue_waiting ON case_queue(waiting_since) WHERE queued = 1 AND waiting_since IS NOT NULL;
            CREATE INDEX cases_open_due ON cases(sla_due_at) WHERE status IN ('new', 'open', 'pending');
            CREATE TABLE case_urgency (
                case_id INTEGER NOT NULL REFERENCES cases(id),
                word TEXT NOT NULL,
                PRIMARY KEY (case_id, word)
            ) WITHOUT ROWID;
            -- Existing cases: scored at the next start-up (fingerprint ''), waiting from their contacts.
            INSERT INTO case_queue(case_id, queued, channel_id, owner_id, paused, waiting_since)
            SELECT c.id, c.status IN ('new', 'open', 'pending'), c.channel_id, c.owner_id, c.status = 'pending',
                   CASE WHEN o.last_out IS NULL
                        THEN COALESCE((SELECT MIN(t.at) FROM timeline t WHERE t.case_id = c.id AND t.kind = 'interaction' AND t.direction = 'inbound'),
                                      c.created_at)
                        ELSE (SELECT MIN(t.at) FROM timeline t WHERE t.case_id = c.id AND t.kind = 'interaction' AND t.direction = 'inbound'
                              AND t.at > o.last_out) END
            FROM cases c LEFT JOIN (SELECT case_id, MAX(at) AS last_out FROM timeline WHERE kind = 'interaction' AND direction = 'outbound'
                                    AND case_id IS NOT NULL GROUP BY case_id) o ON o.case_id = c.id;
            """)
    }

    /// Migration `v14-queue-speed`: the queue's walk (`Store+QueueRank.swift`) reads one stored
    /// score at a time, its waiting cases oldest first, and finds the next lower stored score with
    /// one seek; this index serves all three, so the stored-order index it replaces goes (one
    /// index less to keep on every contact). No data changes: nothing to backfill.
    static func speedUp(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX case_queue_rank ON case_queue(stored, paused, waiting_since) WHERE queued = 1;
            DROP INDEX case_queue_stored;
            """)
    }
}
