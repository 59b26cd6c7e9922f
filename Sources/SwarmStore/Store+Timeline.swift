import Foundation
import SwarmCore
import SwarmProtocol

/// A page of a customer's timeline as one reader may see it (customer.timeline, case.brief).
extension SQLiteStore {
    /// The newest `limit` entries before the cursor, returned oldest first, leaving out the
    /// entries of the `cases` the reader may not see (`customerCases`): those are only counted, as
    /// `withheld`. Entries tied to no case (merges) are the customer's and always shown.
    ///
    /// One query per part, each bounded by the smaller side: with nothing hidden the plain walk of
    /// `timeline_customer`; when hidden entries are the fewer, the same walk skipping them (at most
    /// `withheld` extra rows); when they are the more (a long private history), only the visible
    /// cases' entries through `timeline_case`, so the page never wades through what it may not show.
    static func timelinePage(_ db: SQLDB, customer: Int64, cases: [CustomerCase], before: String?, limit: Int?) throws -> TimelinePage {
        if let l = limit, l < 1 || l > 500 { throw SwarmError.badRequest("limit must be 1–500") }
        let n = limit ?? 100
        let cursor = try before.map { try Ids.require(.timeline, $0, field: "before") } ?? Int64.max
        let all = try db.fetchOne(Int.self, "SELECT COUNT(*) FROM timeline WHERE customer_id = ?", [customer]) ?? 0
        let hidden = cases.filter { !$0.visible }.map(\.id)
        var withheld = 0
        let rows: [SQLRow]
        if hidden.isEmpty {
            rows = try db.fetchAll("SELECT * FROM timeline WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?", [customer, cursor, n + 1])
        } else {
            withheld = try db.fetchOne(Int.self, "SELECT COUNT(*) FROM timeline WHERE case_id IN (\(db.jsonIntegers()))", [jsonIds(hidden)]) ?? 0
            if withheld <= all - withheld {
                rows = try db.fetchAll("""
                    SELECT * FROM timeline WHERE customer_id = ? AND id < ?
                      AND (case_id IS NULL OR case_id NOT IN (\(db.jsonIntegers()))) ORDER BY id DESC LIMIT ?
                    """, [customer, cursor, jsonIds(hidden), n + 1])
            } else {
                // `+customer_id` keeps SQLite off timeline_customer for the merge entries: that walk
                // would read every entry of the customer to find the few with no case; through
                // timeline_case it reads only entries with no case (merges, rare).
                rows = try db.fetchAll("""
                    SELECT * FROM (SELECT * FROM timeline WHERE case_id IN (\(db.jsonIntegers())) AND id < ?
                                   UNION ALL
                                   SELECT * FROM timeline WHERE case_id IS NULL AND +customer_id = ? AND id < ?) AS page
                    ORDER BY id DESC LIMIT ?
                    """, [jsonIds(cases.filter(\.visible).map(\.id)), cursor, customer, cursor, n + 1])
            }
        }
        let page = rows.prefix(n)
        let next = rows.count > n ? page.last.map { Ids.make(.timeline, $0["id"]) } : nil
        return TimelinePage(entries: page.reversed().map(timelineEntry), total: all - withheld, nextBefore: next, withheld: withheld)
    }
}
