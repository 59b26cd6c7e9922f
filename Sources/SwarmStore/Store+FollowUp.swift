import Foundation
import SwarmCore
import SwarmProtocol

/// Follow-up contacts: a customer writing again soon after their case was solved reopens it
/// (`CaseFollowUp` decides which; PROTOCOL.md §15 case.interaction).
extension SQLiteStore {
    /// The customer's solved case a contact at `contactAt` reopens, as a `caseSelect` row; nil
    /// when there is none, or when the caller may not use `case.interaction` on it (a bot whose
    /// channel patterns do not match): then the contact opens a new case as before.
    static func followUpCase(_ db: SQLDB, _ p: Principal, customer: Int64, contactAt: Date, windowHours: Int) throws -> SQLRow? {
        let candidates = try db.fetchAll("""
            SELECT id, status, solved_at FROM cases WHERE customer_id = ? AND status = 'solved'
            """, [customer]).map { r in
            CaseFollowUp.Candidate(id: r["id"], status: CaseStatus(rawValue: r["status"]) ?? .solved, solvedAt: (r["solved_at"] as String?).flatMap(Timestamp.parse))
        }
        guard let id = CaseFollowUp.caseToReopen(candidates, contactAt: contactAt, windowHours: windowHours) else { return nil }
        let row = try caseRow(db, ref: Ids.make(.case, id))
        let access = CasePermissions.access(p.role, .caseInteraction)
        return CaseVisibility.allows(access, reader(p), try visibilityFacts(db, p, caseRow: row)) ? row : nil
    }

    /// solved → open, as `case.update` would: a `status` timeline entry and `case.updated`.
    static func reopen(_ tx: WriteTx, _ row: SQLRow, by p: Principal, at: String = Timestamp.now()) throws {
        let id: Int64 = row["id"]
        try tx.db.execute("UPDATE cases SET status = 'open', updated_at = ? WHERE id = ?", [at, id])
        // At the SLA clock's time, so the clocks resume when the contact reopened the case.
        try addTimeline(tx, customer: row["customer_id"], caseId: id, kind: "status", text: "status reopened", at: at, by: p.id,
                        data: .object(["from": .string(CaseStatus.solved.rawValue), "to": .string(CaseStatus.open.rawValue)]))
        try announce(tx, caseId: id, change: "status", by: p)
    }
}
