import GRDB

/// Migration `v15-report-case-times` (and `pg-v3-report-case-times`): `report_cases` keeps every
/// time a report reads of a case as seconds since 1970 as well, and the case's owner, team, due
/// time, SLA verdict and rating, so a month's report reads its cases from this one table: one
/// indexed range per figure, no join and no conversion per row (five `unixepoch`/`substr`
/// conversions and four joins per case were most of `report.get` at 100,000 cases). The text
/// columns stay. `ReportRollups` fills every column on each write that touches the case (the SLA
/// clocks' refresh included).
enum ReportCaseTimesSchema {
    /// Seconds since 1970 of a stored time (`YYYY-MM-DDTHH:MM:SS.sssZ`), to the millisecond. Spelled
    /// out here rather than shared, because a released migration must not change with the code.
    private static func epoch(_ column: String) -> String {
        "(unixepoch(\(column)) + CAST(substr(\(column), 21, 3) AS INTEGER) / 1000.0)"
    }

    static func sql(real: String, integer: String) -> String {
        """
        ALTER TABLE report_cases ADD COLUMN opened_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN start_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN first_inbound_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN first_response_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN solved_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN closed_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN owner_id \(integer);
        ALTER TABLE report_cases ADD COLUMN team_id \(integer);
        ALTER TABLE report_cases ADD COLUMN sla_due_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN first_response_business_seconds \(integer);
        ALTER TABLE report_cases ADD COLUMN first_response_met \(integer);
        ALTER TABLE report_cases ADD COLUMN csat \(integer);
        ALTER TABLE report_cases ADD COLUMN csat_epoch \(real);
        UPDATE report_cases SET start_epoch = \(epoch("start_at")), first_inbound_epoch = \(epoch("first_inbound_at")),
            closed_epoch = \(epoch("closed_at"));
        -- One read of each source row per case (row-value assignment, SQLite and PostgreSQL alike).
        UPDATE report_cases SET (opened_epoch, first_response_epoch, solved_epoch, owner_id, team_id, sla_due_epoch) =
            (SELECT \(epoch("c.created_at")), \(epoch("c.first_response_at")), \(epoch("c.solved_at")), c.owner_id, c.channel_id,
                    \(epoch("c.sla_due_at"))
             FROM cases c WHERE c.id = report_cases.case_id);
        UPDATE report_cases SET (first_response_business_seconds, first_response_met) =
            (SELECT x.first_response_business_seconds, x.first_response_met FROM case_sla x WHERE x.case_id = report_cases.case_id);
        UPDATE report_cases SET (csat, csat_epoch) =
            (SELECT k.score, \(epoch("k.at")) FROM case_csat k WHERE k.case_id = report_cases.case_id);
        DROP INDEX report_cases_start;
        DROP INDEX report_cases_closed;
        CREATE INDEX report_cases_start_epoch ON report_cases(start_epoch);
        -- With the start: the cases solved or closed in a period but started outside it are told apart in the index.
        CREATE INDEX report_cases_solved_epoch ON report_cases(solved_epoch, start_epoch) WHERE solved_epoch IS NOT NULL;
        CREATE INDEX report_cases_closed_epoch ON report_cases(closed_epoch, start_epoch) WHERE closed_epoch IS NOT NULL;
        CREATE INDEX report_cases_csat_epoch ON report_cases(csat_epoch, start_epoch) WHERE csat_epoch IS NOT NULL;
        CREATE INDEX report_cases_opened_epoch ON report_cases(opened_epoch, start_epoch);
        """
    }

    static func create(_ db: Database) throws {
        try db.execute(sql: sql(real: "REAL", integer: "INTEGER"))
    }

    static let postgres = sql(real: "DOUBLE PRECISION", integer: "BIGINT")
}
