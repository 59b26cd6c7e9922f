import SwarmCore

/// Keeps the report rollups (`ReportRollupSchema`) equal to what the report would read from the
/// timeline. Every write job marks the cases it touched (`WriteTx.touchReport`); before the job
/// ends their rows are recomputed from the case's timeline here, so whatever changed (a contact,
/// its duplicate mark, a status, a hand-off, the owner) is reflected without each writer knowing
/// which figure it feeds. The same SQL fills the tables from scratch in the migration.
enum ReportRollups {
    /// The key columns of a contact tally, in table order.
    static let keys = "hour, team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction, duplicate, responder_id, answer_hour"

    /// The key columns of a day tally (`report_contact_days`) but its day and answer day.
    static let dayKeys = "team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction, duplicate, responder_id"

    /// An hourly tally's answer as the day of the response (-1 for none).
    static let answerDay = "CASE WHEN answer_hour < 0 THEN -1 ELSE answer_hour / 24 END"

    /// An hourly tally's bit in its day's `hours` mask (summed over distinct bits, it is their OR);
    /// days are whole UTC days before 1970 too (`ReportContactDaysSchema.hourInDay`).
    static func hourBit(postgres: Bool) -> String {
        let h = ReportContactDaysSchema.hourInDay
        return postgres ? "(1::bigint << \(h)::integer)" : "(1 << \(h))"
    }

    /// Recomputes the rollups of these cases.
    static func refresh(_ db: SQLDB, cases ids: some Sequence<Int64>) throws {
        for id in ids {
            // The case's hourly tallies before, to find the day tallies that change (below).
            let before = try caseTallies(db, id)
            // Take the case's old share out of the hourly totals, then drop the totals it emptied.
            try db.execute("""
                INSERT INTO report_contact_hours(\(keys), n) SELECT \(keys), -n FROM report_case_contacts WHERE case_id = ?
                ON CONFLICT(\(keys)) DO UPDATE SET n = report_contact_hours.n + excluded.n
                """, [id])
            try db.execute("""
                DELETE FROM report_contact_hours WHERE n = 0 AND hour IN (SELECT hour FROM report_case_contacts WHERE case_id = ?)
                """, [id])
            try db.execute("DELETE FROM report_case_contacts WHERE case_id = ?", [id])
            try db.execute(caseSQL("= ?"), [id])
            try db.execute(contactsSQL("= ?"), [id])
            try db.execute("""
                INSERT INTO report_contact_hours(\(keys), n) SELECT \(keys), n FROM report_case_contacts WHERE case_id = ?
                ON CONFLICT(\(keys)) DO UPDATE SET n = report_contact_hours.n + excluded.n
                """, [id])
            try refreshDays(db, changedDays(before, try caseTallies(db, id)))
        }
    }

    /// A case's hourly tallies (`report_case_contacts`: the hour, then the other keys, then n).
    private static func caseTallies(_ db: SQLDB, _ id: Int64) throws -> Set<[SQLValue]> {
        Set(try db.fetchAll("SELECT \(keys), n FROM report_case_contacts WHERE case_id = ?", [id]).map(\.values))
    }

    /// The days and day keys (the day, then `dayKeys`' values) of the tallies that are not the same
    /// before and after: only those day tallies change. A long case's older days are left alone,
    /// so a contact on a case with a history of months recounts one day, not all of them.
    private static func changedDays(_ before: Set<[SQLValue]>, _ after: Set<[SQLValue]>) -> [[SQLValue]] {
        var days: [[SQLValue]] = []
        var seen = Set<[SQLValue]>()
        for tally in before.symmetricDifference(after) {
            guard case let .int(hour)? = tally.first else { continue }
            // hour, the ten day keys, answer_hour, n: the day (floored, before 1970 too) and the ten keys.
            let day = [SQLValue.int(Report.day(ofHour: hour))] + tally[1...10]
            if seen.insert(day).inserted { days.append(day) }
        }
        return days
    }

    /// Sums these days' tallies again from the hourly ones, for the keys given (those a case's change
    /// touched): a day tally's hours are a mask, which cannot be taken out again as a count can, so
    /// the day and key are recounted whole (one index range of the day's hourly tallies).
    private static func refreshDays(_ db: SQLDB, _ days: [[SQLValue]]) throws {
        let match = dayKeys.split(separator: ",").map { "\($0.trimmingCharacters(in: .whitespaces)) = ?" }.joined(separator: " AND ")
        let bit = hourBit(postgres: db.dialect == .postgres)
        for values in days {
            guard case let .int(day)? = values.first else { continue }
            let key = values.dropFirst().map { $0 as (any SQLBindable)? }
            try db.execute("DELETE FROM report_contact_days WHERE day = ? AND \(match)", SQLArguments([day] + key))
            try db.execute("""
                INSERT INTO report_contact_days(day, \(dayKeys), answer_day, n, hours)
                SELECT ?, \(dayKeys), \(answerDay), SUM(n), SUM(DISTINCT \(bit))
                FROM report_contact_hours WHERE hour >= ? AND hour < ? AND \(match) AND n > 0
                GROUP BY \(dayKeys), \(answerDay)
                """, SQLArguments([day, day * 24, day * 24 + 24] + key))
        }
    }

    /// Fills the rollups from every case's timeline (the migration's backfill; benchmarks that
    /// write rows straight into the tables call it too).
    static func rebuild(_ db: SQLDB, caseSQL: (String) -> String = caseSQL) throws {
        for table in ["report_contact_hours", "report_case_contacts", "report_cases"] { try db.execute("DELETE FROM \(table)") }
        try db.execute(caseSQL("IS NOT NULL"))
        try db.execute(contactsSQL("IS NOT NULL"))
        try db.execute("INSERT INTO report_contact_hours(\(keys), n) SELECT \(keys), SUM(n) FROM report_case_contacts GROUP BY \(keys)")
    }

    /// Upserts `report_cases` for the cases whose id matches `condition` (`= ?` or `IS NOT NULL`).
    /// The case starts at its first inbound contact (earliest, then first written). Each time is
    /// kept as text and as seconds since 1970, with the case's owner, team, due time, first-response
    /// verdict and rating (`v15-report-case-times`), so a report reads nothing else per case.
    static func caseSQL(_ condition: String) -> String {
        let e = SQLiteStore.epoch
        // Each column with what fills it from the inner row `y`: one list, so the insert's columns
        // and the select's values cannot fall out of step.
        let columns: [(name: String, value: String)] = [
            "first_channel", "first_account", "closed_at", "resolved_channel", "redirected", "handoffs", "owner_id", "team_id",
            "first_response_business_seconds", "first_response_met", "csat", "start_at", "first_inbound_at",
        ].map { ($0, $0) } + [
            ("opened_epoch", e("created_at")), ("start_epoch", e("start_at")), ("first_inbound_epoch", e("first_inbound_at")),
            ("first_response_epoch", e("first_response_at")), ("solved_epoch", e("solved_at")), ("closed_epoch", e("closed_at")),
            ("sla_due_epoch", e("sla_due_at")), ("csat_epoch", e("csat_at")),
        ]
        return """
        INSERT INTO report_cases(case_id, \(columns.map(\.name).joined(separator: ", ")))
        SELECT id, \(columns.map(\.value).joined(separator: ", "))
        FROM (
            SELECT c.id, COALESCE(f.at, c.created_at) AS start_at, f.at AS first_inbound_at, f.channel AS first_channel, f.account AS first_account,
                (SELECT MAX(s.at) FROM timeline s WHERE s.case_id = c.id AND s.kind = 'status' AND json_extract(s.data, '$.to') = 'closed') AS closed_at,
                (SELECT s.channel FROM timeline s WHERE s.case_id = c.id AND s.kind = 'interaction' AND s.direction = 'outbound'
                     AND s.at <= c.solved_at ORDER BY s.at DESC, s.id DESC LIMIT 1) AS resolved_channel,
                CASE WHEN EXISTS(SELECT 1 FROM timeline r WHERE r.case_id = c.id AND r.kind = 'interaction' AND r.redirect_to IS NOT NULL) THEN 1 ELSE 0 END
                    AS redirected,
                (SELECT COUNT(*) FROM handoffs h WHERE h.case_id = c.id) AS handoffs,
                c.created_at, c.first_response_at, c.solved_at, c.sla_due_at, c.owner_id, c.channel_id AS team_id,
                x.first_response_business_seconds, x.first_response_met, k.score AS csat, k.at AS csat_at
            FROM cases c
            LEFT JOIN timeline f ON f.id = (SELECT i.id FROM timeline i WHERE i.case_id = c.id AND i.kind = 'interaction' AND i.direction = 'inbound'
                                            ORDER BY i.at, i.id LIMIT 1)
            LEFT JOIN case_sla x ON x.case_id = c.id
            LEFT JOIN case_csat k ON k.case_id = c.id
            WHERE c.id \(condition)
        ) y
        WHERE true
        ON CONFLICT(case_id) DO UPDATE SET \(columns.map { "\($0.name) = excluded.\($0.name)" }.joined(separator: ", "))
        """
    }

    /// Inserts `report_case_contacts` for the cases whose id matches `condition`, with the
    /// contact rules of the report: no direction counts as inbound, no channel as `unknown`; a
    /// response is credited to who sent it, or to the case's owner when a bot (or no one) did;
    /// an inbound contact is answered by the case's first response sent at or after it.
    static func contactsSQL(_ condition: String) -> String {
        """
        INSERT INTO report_case_contacts(case_id, \(keys), n)
        SELECT case_id, \(keys), COUNT(*) FROM (
            SELECT x.case_id, x.hour, c.channel_id AS team_id, COALESCE(c.owner_id, 0) AS owner_id,
                COALESCE(r.first_channel, '') AS first_channel, COALESCE(r.first_account, '') AS first_account,
                x.channel, x.account, x.dedicated, x.direction, x.duplicate,
                CASE WHEN x.direction = 'outbound' THEN COALESCE(CASE WHEN u.role <> 'bot' THEN x.by_user END, c.owner_id, 0) ELSE 0 END AS responder_id,
                CASE WHEN x.direction = 'inbound' AND x.next_response IS NOT NULL THEN unixepoch(x.next_response) / 3600 ELSE -1 END AS answer_hour
            FROM (
                SELECT t.case_id, unixepoch(t.at) / 3600 AS hour, COALESCE(t.channel, 'unknown') AS channel, COALESCE(t.account, '') AS account,
                    CASE WHEN t.dedicated = 1 THEN 1 ELSE 0 END AS dedicated,
                    CASE WHEN t.direction = 'outbound' THEN 'outbound' ELSE 'inbound' END AS direction,
                    CASE WHEN t.duplicate_of IS NULL THEN 0 ELSE 1 END AS duplicate, t.by_user,
                    MIN(CASE WHEN t.direction = 'outbound' THEN t.at END)
                        OVER (PARTITION BY t.case_id ORDER BY t.at RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_response
                FROM timeline t WHERE t.kind = 'interaction' AND t.case_id \(condition)
            ) x
            JOIN cases c ON c.id = x.case_id
            JOIN channels ch ON ch.id = c.channel_id
            LEFT JOIN report_cases r ON r.case_id = x.case_id
            LEFT JOIN users u ON u.id = x.by_user
        ) y
        GROUP BY case_id, \(keys)
        """
    }
}

extension SQLiteStore {
    /// Refills the report rollups from the whole timeline, as the migrations do (for benchmarks
    /// that write rows straight into the tables).
    public func rebuildReportRollups() async throws {
        try await backend.write { db in
            try ReportRollups.rebuild(db)
            try db.execute("DELETE FROM report_contact_days")
            try db.execute(ReportContactDaysSchema.backfill(hourBit: ReportRollups.hourBit(postgres: db.dialect == .postgres)))
        }
    }
}
