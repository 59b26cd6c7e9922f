import GRDB

/// Rollups for `report.get` (migration `v13-report-rollups`), kept by `ReportRollups.refresh` on
/// every write to a case and filled from the existing data when the migration runs, so a month's
/// report reads one small row per case of the period and a few rows per hour instead of every
/// contact. Empty strings and 0 / -1 stand for "none" in key columns, so the keys stay unique.
enum ReportRollupSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            -- What a report needs of a case that would otherwise be read from its timeline.
            CREATE TABLE report_cases (
                case_id INTEGER PRIMARY KEY REFERENCES cases(id),
                start_at TEXT NOT NULL,            -- first inbound contact, or the opening without one
                first_inbound_at TEXT,
                first_channel TEXT,
                first_account TEXT,
                closed_at TEXT,                    -- last status change to closed
                resolved_channel TEXT,             -- channel of the last response at or before solved_at
                redirected INTEGER NOT NULL,
                handoffs INTEGER NOT NULL
            );
            CREATE INDEX report_cases_start ON report_cases(start_at);
            CREATE INDEX report_cases_closed ON report_cases(closed_at) WHERE closed_at IS NOT NULL;

            -- Each case's contacts counted per hour and kind (the case's share of report_contact_hours,
            -- kept so a change to the case can take its old share out).
            CREATE TABLE report_case_contacts (
                case_id INTEGER NOT NULL REFERENCES cases(id),
                hour INTEGER NOT NULL,             -- hour since 1970 the contacts were sent in
                team_id INTEGER NOT NULL,          -- the case's channel
                owner_id INTEGER NOT NULL,         -- the case's owner, 0 for none
                first_channel TEXT NOT NULL,       -- the case's first inbound channel and account, '' for none
                first_account TEXT NOT NULL,
                channel TEXT NOT NULL,
                account TEXT NOT NULL,             -- '' for none
                dedicated INTEGER NOT NULL,
                direction TEXT NOT NULL,           -- inbound or outbound
                duplicate INTEGER NOT NULL,
                responder_id INTEGER NOT NULL,     -- outbound: the agent credited, 0 for none
                answer_hour INTEGER NOT NULL,      -- inbound: hour of the case's next response, -1 for none
                n INTEGER NOT NULL
            );
            CREATE INDEX report_case_contacts_case ON report_case_contacts(case_id);

            -- The same counts summed over cases: what a report reads.
            CREATE TABLE report_contact_hours (
                hour INTEGER NOT NULL,
                team_id INTEGER NOT NULL,
                owner_id INTEGER NOT NULL,
                first_channel TEXT NOT NULL,
                first_account TEXT NOT NULL,
                channel TEXT NOT NULL,
                account TEXT NOT NULL,
                dedicated INTEGER NOT NULL,
                direction TEXT NOT NULL,
                duplicate INTEGER NOT NULL,
                responder_id INTEGER NOT NULL,
                answer_hour INTEGER NOT NULL,
                n INTEGER NOT NULL,
                UNIQUE (hour, team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction, duplicate,
                        responder_id, answer_hour)
            );

            -- Ratings given in a period.
            CREATE INDEX case_csat_at ON case_csat(at);
            """)
        try ReportRollups.rebuild(SQLDB(GRDBExecutor(db)), caseSQL: v13CaseSQL)
    }

    /// `report_cases` as this migration filled it (before `v15-report-case-times` added the times
    /// in seconds): kept as it was, so the migration runs the same on an old database today.
    static func v13CaseSQL(_ condition: String) -> String {
        """
        INSERT INTO report_cases(case_id, start_at, first_inbound_at, first_channel, first_account, closed_at, resolved_channel, redirected, handoffs)
        SELECT c.id, COALESCE(f.at, c.created_at), f.at, f.channel, f.account,
            (SELECT MAX(s.at) FROM timeline s WHERE s.case_id = c.id AND s.kind = 'status' AND json_extract(s.data, '$.to') = 'closed'),
            (SELECT s.channel FROM timeline s WHERE s.case_id = c.id AND s.kind = 'interaction' AND s.direction = 'outbound'
                 AND s.at <= c.solved_at ORDER BY s.at DESC, s.id DESC LIMIT 1),
            CASE WHEN EXISTS(SELECT 1 FROM timeline r WHERE r.case_id = c.id AND r.kind = 'interaction' AND r.redirect_to IS NOT NULL) THEN 1 ELSE 0 END,
            (SELECT COUNT(*) FROM handoffs h WHERE h.case_id = c.id)
        FROM cases c
        LEFT JOIN timeline f ON f.id = (SELECT i.id FROM timeline i WHERE i.case_id = c.id AND i.kind = 'interaction' AND i.direction = 'inbound'
                                        ORDER BY i.at, i.id LIMIT 1)
        WHERE c.id \(condition)
        ON CONFLICT(case_id) DO UPDATE SET start_at = excluded.start_at, first_inbound_at = excluded.first_inbound_at,
            first_channel = excluded.first_channel, first_account = excluded.first_account, closed_at = excluded.closed_at,
            resolved_channel = excluded.resolved_channel, redirected = excluded.redirected, handoffs = excluded.handoffs
        """
    }
}
