import Foundation
import SwarmCore
import SwarmProtocol

extension SQLiteStore {
    /// The hourly contact tallies of the period's hours (`report_contact_hours`), narrowed to the
    /// owner and team asked for, with the names the report shows, each handed to `body` as it is
    /// read (a month's ~43,000 are never held).
    static func eachReportTally(_ db: SQLDB, _ q: ReportQuery, scope: ReportScope, users: [Int64: ReportUser],
                                channels: [Int64: ReportChannel], _ body: (borrowing ReportContactTally) -> Void) throws {
        var sql = """
            SELECT hour, team_id, owner_id, first_channel, first_account, channel, account, dedicated, direction, duplicate, responder_id,
                   answer_hour, n
            FROM report_contact_hours WHERE hour >= ? AND hour < ? AND n > 0
            """
        var args: [(any SQLBindable)?] = [Int64(q.from / 3_600), Int64(q.to / 3_600)]
        if let owner = scope.owner { sql += " AND owner_id = ?"; args.append(owner) }
        if let team = scope.team { sql += " AND team_id = ?"; args.append(team) }
        func text(_ s: String) -> String? { s.isEmpty ? nil : s }
        try db.scan(sql, SQLArguments(args)) { r in
            let answer: Int64 = r[11]
            let owner: Int64 = r[2], team: Int64 = r[1], responder: Int64 = r[10]
            let direction: Direction = (r[8] as String) == Direction.outbound.rawValue ? .outbound : .inbound
            body(ReportContactTally(hour: r[0], channel: r[5], account: text(r[6]), dedicated: r[7], direction: direction,
                                    isDuplicate: r[9], responder: users[responder]?.name, answerHour: answer < 0 ? nil : answer,
                                    caseOwner: users[owner]?.name, caseTeam: channels[team]?.name, caseFirstChannel: text(r[3]),
                                    caseFirstAccount: text(r[4]), count: r[12]))
        }
    }
}
