import Foundation
import SwarmCore
import SwarmProtocol

/// Feeding `CaseVisibility` (the rule lives in SwarmCore) with what the database knows: one case,
/// all of a customer's cases, or the audience of a case event.
extension SQLiteStore {
    static func reader(_ p: Principal) -> CaseVisibility.Reader {
        CaseVisibility.Reader(role: p.role, scope: p.scope)
    }

    /// The facts about one case (a row of `caseSelect`) as seen by `p`, in one indexed query.
    static func visibilityFacts(_ db: SQLDB, _ p: Principal, caseRow row: SQLRow) throws -> CaseVisibility.Facts {
        let flags = try db.fetchOne("""
            SELECT EXISTS(SELECT 1 FROM members WHERE channel_id = ?1 AND user_id = ?3) AS member,
                   EXISTS(SELECT 1 FROM case_swarm WHERE case_id = ?2 AND user_id = ?3) AS swarmed
            """, [row["channel_id"], row["id"], p.id])
        return CaseVisibility.Facts(channelKind: ChannelKind(rawValue: row["channel_kind"]) ?? .private, channelName: row["channel_name"],
                                    isMember: flags?["member"] ?? false, isSwarmed: flags?["swarmed"] ?? false)
    }

    /// One case of a customer, with whether the reader may see it.
    struct CustomerCase {
        var id: Int64
        var title: String
        var status: String
        var createdAt: String
        var visible: Bool
    }

    /// Every case of the customer, newest first, each with the rule's answer for `p`. One query on
    /// `cases_customer`; the customer-wide views then filter their own indexed query with it (and
    /// run unchanged when nothing is hidden, the usual case).
    static func customerCases(_ db: SQLDB, _ p: Principal, customer: Int64) throws -> [CustomerCase] {
        let who = Self.reader(p)
        return try db.fetchAll("""
            SELECT c.id, c.title, c.status, c.created_at, \(factColumns)
            FROM cases c JOIN channels ch ON ch.id = c.channel_id WHERE c.customer_id = ?1 ORDER BY c.id DESC
            """, [customer, p.id]).map { r in
            CustomerCase(id: r["id"], title: r["title"], status: r["status"], createdAt: r["created_at"],
                         visible: CaseVisibility.maySee(who, facts(r)))
        }
    }

    /// Which of `ids` `p` may see, in one query (for lists that name cases, such as an article's).
    static func visibleCases(_ db: SQLDB, _ p: Principal, among ids: [Int64]) throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let who = Self.reader(p)
        return Set(try db.fetchAll("""
            SELECT c.id, \(factColumns)
            FROM cases c JOIN channels ch ON ch.id = c.channel_id WHERE c.id IN (\(db.jsonIntegers("?1")))
            """, [jsonIds(ids), p.id]).filter { CaseVisibility.maySee(who, facts($0)) }.map { $0["id"] as Int64 })
    }

    /// The columns `facts(_:)` reads, for a query over `cases c JOIN channels ch` with the reader's
    /// user id as `?2`.
    private static let factColumns = """
        ch.kind AS channel_kind, ch.name AS channel_name,
        EXISTS(SELECT 1 FROM members m WHERE m.channel_id = c.channel_id AND m.user_id = ?2) AS member,
        EXISTS(SELECT 1 FROM case_swarm s WHERE s.case_id = c.id AND s.user_id = ?2) AS swarmed
        """

    private static func facts(_ r: SQLRow) -> CaseVisibility.Facts {
        CaseVisibility.Facts(channelKind: ChannelKind(rawValue: r["channel_kind"]) ?? .private, channelName: r["channel_name"],
                             isMember: r["member"], isSwarmed: r["swarmed"])
    }

    /// Ids as a JSON array, for `IN (\(db.jsonIntegers()))`: one cached statement for
    /// any number of ids.
    static func jsonIds(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// Who a case event may reach, taken in the transaction that logs it, so the hub can apply the
    /// rule to each live recipient (membership it tracks itself, in log order).
    static func caseAudience(_ db: SQLDB, caseRow row: SQLRow) throws -> CaseAudience {
        let caseId: Int64 = row["id"]
        let swarmed = try db.fetchAll(Int64.self, "SELECT user_id FROM case_swarm WHERE case_id = ?", [caseId])
        return CaseAudience(caseId: caseId, channelId: row["channel_id"], channelKind: ChannelKind(rawValue: row["channel_kind"]) ?? .private,
                            channelName: row["channel_name"], swarmed: Set(swarmed))
    }

    /// Whether `p` may see the case `ref` (a `CS…` id from a logged event) now; unknown cases are
    /// not shown. `cache` keeps one answer per case for a replay page.
    static func maySeeCase(_ db: SQLDB, _ p: Principal, ref: String, cache: inout [String: Bool]) throws -> Bool {
        if let known = cache[ref] { return known }
        var answer = false
        if let id = Ids.parse(.case, ref),
           let row = try db.fetchOne(caseSelect + " WHERE c.id = ?", [id]) {
            answer = CaseVisibility.maySee(reader(p), try visibilityFacts(db, p, caseRow: row))
        }
        cache[ref] = answer
        return answer
    }
}
