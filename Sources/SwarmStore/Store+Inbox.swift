import Foundation
import SwarmCore
import SwarmProtocol

/// `inbox.list`: what needs the caller, for a client that was closed while it arrived. Every case
/// item passes the one visibility rule (`CaseVisibility`), checked now.
extension SQLiteStore {
    public func inbox(_ p: Principal, _ req: InboxListRequest) async throws -> InboxListReply {
        if let l = req.limit, l < 1 || l > 100 { throw SwarmError.badRequest("limit must be 1–100") }
        let limit = req.limit ?? 50
        // Work up for grabs: cases a bot opened and cases handed to a channel's queue, exactly what
        // `case.list` shows with these filters (already narrowed by the rule), so there is one
        // implementation of "which cases may this reader list".
        let newCases = try await listCases(p, CaseListRequest(status: [.new, .open, .pending], owner: "none", limit: limit)).cases
        return try await read { db in
            InboxListReply(handoffs: try Self.pendingHandoffs(db, p, limit: limit), invitations: try Self.openInvitations(db, p, limit: limit),
                           mentions: try Self.unreadMentions(db, p, limit: limit), newCases: newCases)
        }
    }

    /// Active cases the caller owns because of a hand-off to them that they have not opened since:
    /// their read marker in the case's channel is still before the hand-off card. Opening the
    /// channel or thread (which moves the marker) or posting there acknowledges it.
    static func pendingHandoffs(_ db: SQLDB, _ p: Principal, limit: Int) throws -> [InboxHandoff] {
        let rows = try db.fetchAll("""
            SELECT c.id FROM cases c
            WHERE c.owner_id = ?1 AND c.status IN ('new','open','pending')
              AND (SELECT h.to_user FROM handoffs h WHERE h.case_id = c.id ORDER BY h.id DESC LIMIT 1) = ?1
              AND COALESCE((SELECT MAX(m.id) FROM messages m WHERE m.thread_id = c.thread_id AND json_extract(m.card, '$.type') = 'handoff'), 0)
                  > COALESCE((SELECT mb.last_read FROM members mb WHERE mb.channel_id = c.channel_id AND mb.user_id = ?1), 0)
            ORDER BY c.updated_at DESC, c.id DESC LIMIT ?2
            """, [p.id, limit])
        return try rows.compactMap { r in
            let id: Int64 = r["id"]
            guard let row = try visibleCaseRow(db, p, id: id), let handoff = try handoffs(db, caseId: id).last else { return nil }
            return InboxHandoff(caseInfo: try caseModel(db, row), handoff: handoff)
        }
    }

    /// Swarm invitations to active cases that the caller has not joined.
    static func openInvitations(_ db: SQLDB, _ p: Principal, limit: Int) throws -> [InboxInvitation] {
        let rows = try db.fetchAll("""
            SELECT s.case_id, s.invited_by, s.invited_at, u.name AS by_name FROM case_swarm s
            JOIN cases c ON c.id = s.case_id JOIN users u ON u.id = s.invited_by
            WHERE s.user_id = ? AND s.joined_at IS NULL AND c.status IN ('new','open','pending')
            ORDER BY s.invited_at DESC, s.case_id DESC LIMIT ?
            """, [p.id, limit])
        return try rows.compactMap { r in
            guard let row = try visibleCaseRow(db, p, id: r["case_id"]) else { return nil }
            return InboxInvitation(caseInfo: try caseModel(db, row), invitedBy: Ids.make(.user, r["invited_by"]), invitedByName: r["by_name"],
                                   invitedAt: r["invited_at"])
        }
    }

    /// Messages after the caller's read marker that mention them now (as `unread.list` counts
    /// them). A mention in a case thread is shown only to a reader who may see that case.
    static func unreadMentions(_ db: SQLDB, _ p: Principal, limit: Int) throws -> [Message] {
        let rows = try db.fetchAll(Rows.messageSelect + """
             JOIN mentions x ON x.message_id = m.id AND x.user_id = ?1
             JOIN members mb ON mb.channel_id = x.channel_id AND mb.user_id = ?1
            WHERE m.id > mb.last_read AND m.deleted_at IS NULL
            ORDER BY m.id DESC LIMIT ?2
            """, [p.id, limit])
        var cache: [String: Bool] = [:]
        return try rows.filter { r in
            let reply: Int64? = r["thread_id"]
            let thread: Int64 = reply ?? r["id"]
            guard let caseId = try db.fetchOne(Int64.self, "SELECT id FROM cases WHERE thread_id = ?", [thread]) else {
                return true
            }
            return try maySeeCase(db, p, ref: Ids.make(.case, caseId), cache: &cache)
        }.map(Rows.message)
    }

    private static func visibleCaseRow(_ db: SQLDB, _ p: Principal, id: Int64) throws -> SQLRow? {
        guard let row = try db.fetchOne(caseSelect + " WHERE c.id = ?", [id]),
              CaseVisibility.maySee(reader(p), try visibilityFacts(db, p, caseRow: row)) else { return nil }
        return row
    }
}
