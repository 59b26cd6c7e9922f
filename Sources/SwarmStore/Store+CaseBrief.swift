import Foundation
import SwarmCore
import SwarmProtocol

/// The case brief: everything a new owner needs so the customer is never asked twice.
extension SQLiteStore {
    public func brief(_ p: Principal, _ req: CaseBriefRequest) async throws -> CaseBrief {
        if let n = req.messages, n < 0 || n > 200 { throw SwarmError.badRequest("messages must be 0–200") }
        return try await read { db in
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .caseBrief)
            return try Self.brief(db, p, caseRow: row, timelineLimit: req.timelineLimit ?? 100, timelineBefore: req.timelineBefore, messages: req.messages ?? 20)
        }
    }

    /// Every part is one indexed query, so the brief stays fast however long the history is: the
    /// timeline is a page (newest first by id), facts and questions are per case. The parts that
    /// span the customer (timeline, facts, other cases) show only what `reader` may see of the
    /// customer's other cases and count the rest as withheld; the parts about this case need no
    /// filter, since the reader was allowed to read this case.
    static func brief(_ db: SQLDB, _ reader: Principal, caseRow row: SQLRow, timelineLimit: Int, timelineBefore: String?, messages: Int) throws -> CaseBrief {
        let caseId: Int64 = row["id"]
        let customerId: Int64 = row["customer_id"]
        let cases = try customerCases(db, reader, customer: customerId)
        let hidden = Set(cases.filter { !$0.visible }.map(\.id))
        let threadId: Int64 = row["thread_id"]
        let lastMessages = try db.fetchAll(Rows.messageSelect + " WHERE m.thread_id = ? ORDER BY m.id DESC LIMIT ?", [threadId, messages]).reversed().map(Rows.message)
        // Open questions: marked questions in the thread (or the root) with no answer naming them,
        // and no general answer posted after them.
        let openQuestions = try db.fetchAll(Rows.messageSelect + """
             WHERE m.id IN (SELECT id FROM messages WHERE thread_id = ?1 AND mark = 'question'
                            UNION ALL SELECT id FROM messages WHERE id = ?1 AND mark = 'question')
              AND m.deleted_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM messages a WHERE a.thread_id = ?1 AND a.mark = 'answer' AND a.deleted_at IS NULL
                              AND (a.answers = m.id OR (a.answers IS NULL AND a.id > m.id)))
             ORDER BY m.id
            """, [threadId]).map(Rows.message)
        // Facts from every case of this customer the reader may see; the newest value of each key
        // wins. Facts of hidden cases are only counted (a hidden case's newer value of a key must
        // not show, not even by which value is missing).
        var factsWithheld = 0
        let facts = try db.fetchAll("""
            SELECT f.*, u.name FROM case_facts f JOIN cases c ON c.id = f.case_id JOIN users u ON u.id = f.by_user
            WHERE c.customer_id = ? ORDER BY f.at
            """, [customerId]).reduce(into: [String: CaseFact]()) { acc, r in
            if hidden.contains(r["case_id"]) { factsWithheld += 1; return }
            acc[r["key"]] = CaseFact(key: r["key"], value: r["value"], source: r["source"], caseId: Ids.make(.case, r["case_id"]),
                                     by: Ids.make(.user, r["by_user"]), at: r["at"])
        }.values.sorted { $0.key < $1.key }
        let kbShared = try db.fetchAll("SELECT * FROM timeline WHERE case_id = ? AND kind = 'kb_shared' ORDER BY id", [caseId]).map(Self.timelineEntry)
        let others = cases.filter { $0.visible && $0.id != caseId }.prefix(20).map {
            CaseSummary(id: Ids.make(.case, $0.id), title: $0.title, status: CaseStatus(rawValue: $0.status) ?? .open, createdAt: $0.createdAt)
        }
        return CaseBrief(caseInfo: try caseModel(db, row), customer: try customerModel(db, id: customerId),
                         timeline: try timelinePage(db, customer: customerId, cases: cases, before: timelineBefore, limit: timelineLimit),
                         lastMessages: Array(lastMessages), handoffs: try handoffs(db, caseId: caseId), kbShared: kbShared,
                         openQuestions: openQuestions, facts: facts, swarm: try swarmMembers(db, caseId: caseId), otherCases: Array(others),
                         factsWithheld: factsWithheld, otherCasesWithheld: hidden.subtracting([caseId]).count)
    }
}
