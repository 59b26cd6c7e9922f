import Foundation
import SwarmCore
import SwarmProtocol

extension SQLiteStore {
    /// The cases of a lead's tally report (`eachReportCase`'s rows), handed to `cases` as they are
    /// read, by id (`ReportCaseIds`): owner and team as row ids, channels, accounts and topics as
    /// ids of `cases.texts` read off the row as bytes. A month's 100,000 cases then cost no
    /// `String` and no lookup of a name each; the first account is read only for a report grouped by it.
    /// Leads see every case, so no visibility is checked here (`scope.lead` must hold).
    static func eachReportCaseIds(_ db: SQLDB, _ p: Principal, span: (String, String), seconds: (Double, Double), scope: ReportScope,
                                  namingGroups: Bool, now: Date, topics: [Int64: [Int64]], into cases: inout Report.CaseGatherer) throws {
        precondition(scope.lead, "eachReportCaseIds checks no visibility")
        let (sql, args) = reportCaseSQL(p, span: span, seconds: seconds, scope: scope, contacted: false, namingGroups: namingGroups)
        let nowSeconds = now.timeIntervalSince1970
        let byAccount = cases.query.groupBy == .account
        try db.scan(sql, args) { r in
            // Columns by position (as `reportCaseSQL` selects them).
            let firstResponseAt: Double? = r[4]
            let met = ReportCase.firstResponseVerdict(clocks: r[15], firstResponseAt: firstResponseAt, dueAt: r[6], now: nowSeconds)
            let firstChannel = caseTextId(r, 8, &cases.texts)
            let firstAccount = byAccount ? caseTextId(r, 9, &cases.texts) : -1
            let resolvedChannel = caseTextId(r, 11, &cases.texts)
            let caseTopics = topics.isEmpty ? [] : topics[r[0] as Int64] ?? []
            cases.add(ReportCaseIds(openedAt: r[3], firstInboundAt: r[7], firstChannel: firstChannel, firstAccount: firstAccount,
                                    firstResponseAt: firstResponseAt, firstResponseBusinessSeconds: r[14], firstResponseMet: met, solvedAt: r[5],
                                    closedAt: r[10], resolvedChannel: resolvedChannel, redirected: r[12], owner: r[1] as Int64? ?? 0, team: r[2] as Int64? ?? 0,
                                    handoffs: r[13], topics: caseTopics, csat: r[16], csatAt: r[17]))
        }
    }

    /// The topics of the cases that started in the period, by case, as ids of `texts`.
    static func topicIdsOfCasesStarted(_ db: SQLDB, in span: (Double, Double), texts: inout ReportTextIds) throws -> [Int64: [Int64]] {
        var out: [Int64: [Int64]] = [:]
        // From the topics' side: as many probes as topic rows, not a list of every case of the month.
        try db.scan("""
            SELECT t.case_id, t.topic FROM case_topics t JOIN report_cases r ON r.case_id = t.case_id
            WHERE r.start_epoch >= ? AND r.start_epoch < ?
            """, [span.0, span.1]) { r in
            out[r[0], default: []].append(caseTextId(r, 1, &texts))
        }
        return out
    }

    /// The id of text column `i` in `texts`; -1 for NULL (an empty text is a text here, as it was
    /// when cases carried their names).
    private static func caseTextId(_ r: borrowing SQLRowView, _ i: Int, _ texts: inout ReportTextIds) -> Int64 {
        r.withText(i) { texts.id(utf8: $0) } ?? -1
    }
}
