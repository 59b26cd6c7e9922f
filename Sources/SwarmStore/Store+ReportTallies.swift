import Foundation
import SwarmCore
import SwarmProtocol

extension SQLiteStore {
    /// The contact tallies of the period (`report_contact_hours`, or `report_contact_days` when the
    /// period is whole days and not grouped by hour: `Report.dayTalliesSuffice`), narrowed to the
    /// owner and team asked for, handed to `contacts` as they are read (a month's ~43,000 hourly
    /// or ~1,800 daily tallies are never held), by id: users and teams as their row ids, channels
    /// and accounts as ids of `contacts.texts` (read off the row as bytes, no `String` per tally).
    /// A day tally comes as its day's first hour with its hours as a mask, its answer as the first
    /// hour of the answer's day.
    static func eachReportTally(_ db: SQLDB, _ q: ReportQuery, scope: ReportScope, into contacts: inout Report.TallyGatherer) throws {
        let days = Report.dayTalliesSuffice(q)
        var sql = days ? """
            SELECT day * 24, team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction, duplicate, responder_id,
                   CASE WHEN answer_day < 0 THEN -1 ELSE answer_day * 24 END, n, hours
            FROM report_contact_days WHERE day >= ? AND day < ? AND n > 0
            """ : """
            SELECT hour, team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction, duplicate, responder_id,
                   answer_hour, n, 1
            FROM report_contact_hours WHERE hour >= ? AND hour < ? AND n > 0
            """
        let size = days ? 86_400.0 : 3_600
        var args: [(any SQLBindable)?] = [Int64(q.from / size), Int64(q.to / size)]
        if let owner = scope.owner { sql += " AND owner_id = ?"; args.append(owner) }
        if let team = scope.team { sql += " AND team_id = ?"; args.append(team) }
        let outbound = Array(Direction.outbound.rawValue.utf8)
        try db.scan(sql, SQLArguments(args)) { r in
            let direction: Direction = r.withText(8) { $0.elementsEqual(outbound) } == true ? .outbound : .inbound
            let hours: Int64 = r[13]
            let tally = ReportTallyIds(hour: r[0], hours: UInt32(truncatingIfNeeded: hours),
                                       channel: textId(r, 5, &contacts.texts) ?? contacts.texts.id(""), account: textId(r, 6, &contacts.texts) ?? -1, dedicated: r[7], direction: direction, isDuplicate: r[9],
                                       responder: r[10], answerHour: r[11], caseOwner: r[2], caseTeam: r[1],
                                       caseFirstChannel: textId(r, 3, &contacts.texts) ?? -1, caseFirstAccount: textId(r, 4, &contacts.texts) ?? -1,
                                       count: r[12])
            contacts.add(tally)
        }
    }

    /// The id of text column `i` in `texts`; nil for NULL or '' (none, in the tallies' text columns).
    private static func textId(_ r: borrowing SQLRowView, _ i: Int, _ texts: inout ReportTextIds) -> Int64? {
        var id: Int64?
        _ = r.withText(i) { bytes in
            if !bytes.isEmpty { id = texts.id(utf8: bytes) }
        }
        return id
    }
}
