import GRDB

/// Migration `v15-report-case-times` (and `pg-v3-report-case-times`): `report_cases` keeps every
/// time a report reads of a case as seconds since 1970 as well, so a month's report finds its
/// cases by one indexed range per figure and converts nothing per row (five `unixepoch` and
/// `substr` conversions per case were a fifth of `report.get` at 100,000 cases). The text
/// columns stay: they are what the rows were computed from. `ReportRollups` fills both.
enum ReportCaseTimesSchema {
    /// Seconds since 1970 of a stored time (`YYYY-MM-DDTHH:MM:SS.sssZ`), to the millisecond. Spelled
    /// out here rather than shared, because a released migration must not change with the code.
    private static func epoch(_ column: String) -> String {
        "(unixepoch(\(column)) + CAST(substr(\(column), 21, 3) AS INTEGER) / 1000.0)"
    }

    static func sql(real: String) -> String {
        """
        ALTER TABLE report_cases ADD COLUMN opened_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN start_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN first_inbound_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN first_response_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN solved_epoch \(real);
        ALTER TABLE report_cases ADD COLUMN closed_epoch \(real);
        UPDATE report_cases SET start_epoch = \(epoch("start_at")), first_inbound_epoch = \(epoch("first_inbound_at")),
            closed_epoch = \(epoch("closed_at")),
            opened_epoch = (SELECT \(epoch("c.created_at")) FROM cases c WHERE c.id = report_cases.case_id),
            first_response_epoch = (SELECT \(epoch("c.first_response_at")) FROM cases c WHERE c.id = report_cases.case_id),
            solved_epoch = (SELECT \(epoch("c.solved_at")) FROM cases c WHERE c.id = report_cases.case_id);
        DROP INDEX report_cases_start;
        DROP INDEX report_cases_closed;
        CREATE INDEX report_cases_start_epoch ON report_cases(start_epoch);
        -- With the start: the cases solved or closed in a period but started outside it are told apart in the index.
        CREATE INDEX report_cases_solved_epoch ON report_cases(solved_epoch, start_epoch) WHERE solved_epoch IS NOT NULL;
        CREATE INDEX report_cases_closed_epoch ON report_cases(closed_epoch, start_epoch) WHERE closed_epoch IS NOT NULL;
        """
    }

    static func create(_ db: Database) throws {
        try db.execute(sql: sql(real: "REAL"))
    }

    static let postgres = sql(real: "DOUBLE PRECISION")
}
