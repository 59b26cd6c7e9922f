import GRDB

/// Indexes for `report.get` (migration `v12-reports`): a 30-day report reads every contact of the
/// period, so the contacts are found by time and read from the index alone, without touching the
/// timeline rows (which carry the message text).
enum ReportSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX timeline_contacts_at ON timeline(at, case_id, direction, channel, account, dedicated, by_user)
                WHERE kind = 'interaction';
            -- Closing times (status entries to `closed`) of the period.
            CREATE INDEX timeline_status_at ON timeline(at, case_id) WHERE kind = 'status';
            CREATE INDEX cases_solved_at ON cases(solved_at) WHERE solved_at IS NOT NULL;
            CREATE INDEX cases_created_at ON cases(created_at);
            """)
    }
}
