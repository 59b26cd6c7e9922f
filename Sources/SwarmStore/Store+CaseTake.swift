import Foundation
import SwarmCore
import SwarmProtocol

/// `case.update` with `owner`: the caller takes the case (the rule is `CaseOwnership`).
extension SQLiteStore {
    /// Runs inside `updateCase`'s transaction, after its other changes (so a status given in the
    /// same request is the status taking sees). Returns what changed for the `case.updated` event.
    static func take(_ tx: WriteTx, _ p: Principal, caseRow row: SQLRow, owner ref: String) throws -> (changed: Bool, opened: Bool) {
        let db = tx.db
        let target: Int64
        if ref == "me" { target = p.id } else { target = try Rows.userRow(db, ref: ref)["id"] }
        guard target == p.id else {
            throw SwarmError.forbidden("you can only take a case yourself (owner \"me\"); to give it to someone, hand it off with a note")
        }
        let id: Int64 = row["id"]
        let status = CaseStatus(rawValue: try db.fetchOne(String.self, "SELECT status FROM cases WHERE id = ?", [id]) ?? "") ?? .open
        switch try CaseOwnership.take(role: p.role, caller: p.id, owner: row["owner_id"], ownerName: row["owner_name"], status: status) {
        case .alreadyYours:
            return (false, false)
        case .take(let opens):
            try db.execute("UPDATE cases SET owner_id = ?, status = CASE WHEN ? = 1 THEN 'open' ELSE status END WHERE id = ?", [p.id, opens, id])
            tx.touchReport(id)
            if opens {
                try addTimeline(tx, customer: row["customer_id"], caseId: id, kind: "status", text: "status new → open (taken by @\(p.name))", by: p.id,
                                data: .object(["from": .string(CaseStatus.new.rawValue), "to": .string(CaseStatus.open.rawValue)]))
            }
            // The owner works in the thread: a public channel's case makes them a member.
            try ensureMember(tx, channel: try Rows.channel(db, ref: Ids.make(.channel, row["channel_id"])), user: p.id)
            return (true, opens)
        }
    }
}
