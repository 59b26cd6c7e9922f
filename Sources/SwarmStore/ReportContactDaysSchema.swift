import GRDB

/// Migration `v16-report-contact-days` (and `pg-v5-report-contact-days`): the hourly contact
/// tallies summed per day (`report_contact_days`), so a report over whole days reads one tally per
/// day and key instead of one per hour (a month of 1,000,000 contacts: ~1,800 rows instead of
/// ~43,000; reading and summing the hourly ones was ~30 % of `report.get`). The hours a day tally's
/// contacts were sent in are kept as a mask (`hours`, bit h for hour h of the day), because
/// agent-hours count each hour an agent answered in; an inbound tally's answer is kept as the day
/// of the response (`answer_day`), which says as much as its hour for a period of whole days.
/// `ReportRollups` recomputes a case's day tallies from the hourly ones whenever it changes them.
enum ReportContactDaysSchema {
    static func sql(integer: String) -> String {
        """
        CREATE TABLE report_contact_days (
            day \(integer) NOT NULL,              -- day since 1970 (UTC)
            team_id \(integer) NOT NULL,
            owner_id \(integer) NOT NULL,
            first_channel TEXT NOT NULL,
            first_account TEXT NOT NULL,
            channel TEXT NOT NULL,
            account TEXT NOT NULL,
            dedicated \(integer) NOT NULL,
            direction TEXT NOT NULL,
            duplicate \(integer) NOT NULL,
            responder_id \(integer) NOT NULL,
            answer_day \(integer) NOT NULL,       -- inbound: day of the case's next response, -1 for none
            n \(integer) NOT NULL,
            hours \(integer) NOT NULL,            -- bit h: some of these contacts were sent in hour h of the day
            UNIQUE (day, team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction, duplicate,
                    responder_id, answer_day)
        );
        -- A day and key recounted from the hourly tallies (ReportRollups.refreshDays): a seek to the
        -- key and its day's hours, not a walk over every hourly tally of that day.
        CREATE INDEX report_contact_hours_key ON report_contact_hours(team_id, owner_id, first_channel, first_account, channel, account,
                                                                      dedicated, direction, duplicate, responder_id, hour);
        """
    }

    /// The hour of its day (0–23) of an hour since 1970, before 1970 too (SQL's `%` keeps the sign).
    static let hourInDay = "(((hour % 24) + 24) % 24)"

    /// The day tallies from every hourly one (the backfill; `ReportRollups` recounts one day and
    /// key the same way). Spelled out here rather than shared, because a released migration must
    /// not change with the code; `hourBit` is the dialect's `1 << hourInDay`.
    static func backfill(hourBit: String) -> String {
        """
        INSERT INTO report_contact_days(day, team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction,
                                        duplicate, responder_id, answer_day, n, hours)
        SELECT (hour - \(hourInDay)) / 24, team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction, duplicate, responder_id,
               CASE WHEN answer_hour < 0 THEN -1 ELSE answer_hour / 24 END, SUM(n), SUM(DISTINCT \(hourBit))
        FROM report_contact_hours WHERE n > 0
        GROUP BY (hour - \(hourInDay)) / 24, team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction, duplicate, responder_id,
                 CASE WHEN answer_hour < 0 THEN -1 ELSE answer_hour / 24 END
        """
    }

    static func create(_ db: Database) throws {
        try db.execute(sql: sql(integer: "INTEGER") + backfill(hourBit: "(1 << \(hourInDay))") + ";")
    }

    static let postgres = sql(integer: "BIGINT") + "\n" + backfill(hourBit: "(1::bigint << \(hourInDay)::integer)") + ";"
}
