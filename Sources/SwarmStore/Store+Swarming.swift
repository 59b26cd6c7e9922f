import Foundation
import SwarmCore
import SwarmProtocol

/// Pulling colleagues into a case by skill, and handing a case over.
extension SQLiteStore {
    /// Ranks who could help: skill match, online now, spare capacity, and cases with the same tags
    /// they solved before. People at their `max_active_cases` sink to the bottom.
    public func helpers(_ p: Principal, _ req: CaseHelpersRequest, online: Set<Int64>) async throws -> CaseHelpersReply {
        if let l = req.limit, l < 1 || l > 50 { throw SwarmError.badRequest("limit must be 1–50") }
        return try await read { db in
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .caseHelpers)
            return CaseHelpersReply(helpers: Array(try Self.rankHelpers(db, caseRow: row, skill: req.skill, online: online).prefix(req.limit ?? 10)))
        }
    }

    static func rankHelpers(_ db: SQLDB, caseRow row: SQLRow, skill: String?, online: Set<Int64>) throws -> [HelperCandidate] {
        let caseId: Int64 = row["id"]
        let owner: Int64? = row["owner_id"]
        let tags = (try? JSONDecoder().decode([String].self, from: Data((row["tags"] as String).utf8))) ?? []
        let wanted = skill.map { $0.lowercased() }
        let users = try db.fetchAll("""
            SELECT u.*,
              (SELECT COUNT(*) FROM cases c WHERE c.owner_id = u.id AND c.status IN ('new','open','pending')) AS active,
              (SELECT COUNT(DISTINCT c.id) FROM cases c JOIN case_tags t ON t.case_id = c.id
                 WHERE c.status IN ('solved','closed') AND c.id != ?1 AND t.tag IN (\(db.jsonStrings("?2")))
                   AND (c.owner_id = u.id OR c.id IN (SELECT case_id FROM case_swarm WHERE user_id = u.id AND contributions > 0))) AS solved_similar
            FROM users u WHERE u.deactivated_at IS NULL AND u.role != 'bot'
            """, [caseId, String(decoding: try JSONEncoder().encode(tags), as: UTF8.self)])
        var out: [HelperCandidate] = []
        for u in users {
            let id: Int64 = u["id"]
            if id == owner { continue }
            let user = Rows.user(u)
            let match = wanted.map { user.skills.contains($0) } ?? !Set(user.skills).isDisjoint(with: tags)
            if wanted != nil && !match { continue }
            let active: Int = u["active"]
            let cap: Int = u["max_active_cases"]
            let solved: Int = u["solved_similar"]
            let isOnline = online.contains(id)
            var score = (match ? 4.0 : 0) + (isOnline ? 2.0 : 0) + min(Double(solved), 3.0)
            score -= cap > 0 ? 2.0 * Double(active) / Double(cap) : 2.0
            if active >= cap { score -= 10 }
            out.append(HelperCandidate(user: user.id, name: user.name, role: user.role, skills: user.skills, skillMatch: match, online: isOnline,
                                       activeCases: active, maxActiveCases: cap, solvedSimilar: solved, score: (score * 100).rounded() / 100))
        }
        return out.sorted { ($0.score, $1.name) > ($1.score, $0.name) }
    }

    /// Invites people (named, or the best three with a skill): each gets `case.swarm_invite`, the
    /// thread gets a message mentioning them, and the swarm is recorded.
    public func swarm(_ p: Principal, _ req: CaseSwarmRequest, online: Set<Int64>) async throws -> CaseSwarmReply {
        let message = try Self.validText(req.message, field: "message", max: 2000)
        guard (req.users?.isEmpty == false) != (req.skill != nil) else { throw SwarmError.badRequest("give users or skill (one of them)") }
        return try await write { tx in
            let db = tx.db
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .caseSwarm)
            let caseId: Int64 = row["id"]
            var invitees: [Int64] = []
            if let users = req.users {
                guard users.count <= 20 else { throw SwarmError.badRequest("at most 20 users at once") }
                for ref in users {
                    let u = try Rows.userRow(db, ref: ref)
                    guard Rows.user(u).role != .bot else { throw SwarmError.badRequest("bots cannot be swarmed") }
                    invitees.append(u["id"])
                }
            } else if let skill = req.skill {
                let ranked = try Self.rankHelpers(db, caseRow: row, skill: skill, online: online).filter { $0.activeCases < $0.maxActiveCases }
                invitees = ranked.prefix(3).compactMap { Ids.parse(.user, $0.user) }
                guard !invitees.isEmpty else { throw SwarmError.notFound("nobody with skill \(skill) has room for another case") }
            }
            let now = Timestamp.now()
            let names = try invitees.map { try db.fetchOne(String.self, "SELECT name FROM users WHERE id = ?", [$0]) ?? "?" }
            let ch = try Rows.channel(db, ref: Ids.make(.channel, row["channel_id"]))
            try Self.ensureMember(tx, channel: ch, user: p.id)
            let caseRef = Ids.make(.case, caseId)
            let card: JSONValue = .object(["type": .string("swarm"), "case": .string(caseRef), "invited": .array(invitees.map { .string(Ids.make(.user, $0)) })])
            _ = try Self.insertMessage(tx, channel: ch, author: p, body: "Swarming \(names.map { "@\($0)" }.joined(separator: " ")): \(message)",
                                       thread: row["thread_id"], card: card)
            for uid in invitees {
                try db.execute("INSERT INTO case_swarm(case_id, user_id, invited_by, invited_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [caseId, uid, p.id, now])
                try tx.append(.caseSwarmInvite, channel: nil, user: uid,
                              SwarmInviteEvent(caseId: caseRef, title: row["title"], channel: Ids.make(.channel, ch.id), thread: Ids.make(.message, row["thread_id"]),
                                               by: p.userId, byName: p.name, message: message))
            }
            try Self.addTimeline(tx, customer: row["customer_id"], caseId: caseId, kind: "swarm", text: "swarmed \(names.joined(separator: ", ")): \(message)", by: p.id)
            return CaseSwarmReply(invited: try Self.swarmMembers(db, caseId: caseId).filter { m in invitees.contains { Ids.make(.user, $0) == m.user } })
        }
    }

    /// Joins the case thread in one op: the channel membership (even a private channel) and the
    /// swarm record. Swarmed staff need an invitation; agents, leads and admins may join any case.
    public func joinCase(_ p: Principal, _ req: CaseRef) async throws -> Case {
        try await write { tx in
            let db = tx.db
            let row = try Self.caseRow(db, ref: req.caseId)
            let caseId: Int64 = row["id"]
            let invited = try db.fetchOne(Bool.self, "SELECT 1 FROM case_swarm WHERE case_id = ? AND user_id = ?", [caseId, p.id]) == true
            if !invited {
                guard CasePermissions.access(p.role, .caseJoin) == .any else { throw SwarmError.forbidden("join needs a swarm invitation") }
                try Self.authorize(db, p, caseRow: row, .caseJoin)
            }
            let ch = try Rows.channel(db, ref: Ids.make(.channel, row["channel_id"]))
            try Self.ensureMember(tx, channel: ch, user: p.id)
            try db.execute("""
                INSERT INTO case_swarm(case_id, user_id, invited_by, invited_at, joined_at) VALUES (?, ?, NULL, ?, ?)
                ON CONFLICT(case_id, user_id) DO UPDATE SET joined_at = COALESCE(case_swarm.joined_at, excluded.joined_at)
                """, [caseId, p.id, Timestamp.now(), Timestamp.now()])
            return try Self.caseModel(db, row)
        }
    }

    /// Hands the case to a person, the best helper with a skill, or a team channel's queue. The
    /// note is mandatory; the new owner (or the channel) gets `case.handoff` with the brief.
    public func handoff(_ p: Principal, _ req: CaseHandoffRequest, online: Set<Int64>) async throws -> Handoff {
        guard CaseRules.isUsableHandoffNote(req.note) else {
            throw SwarmError.badRequest("a hand-off needs a note of at least one sentence (3 words, 15 characters): what was done, what is next")
        }
        let note = try Self.validText(req.note, field: "note", max: 4000)
        return try await write { tx in
            let db = tx.db
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .caseHandoff)
            let caseId: Int64 = row["id"]
            let from: Int64? = row["owner_id"]
            var toUser: Int64?
            var toChannel: ChannelRow?
            var skill: String?
            let target = req.to.trimmingCharacters(in: .whitespaces)
            if target.hasPrefix("skill:") {
                skill = String(target.dropFirst(6)).lowercased()
                let ranked = try Self.rankHelpers(db, caseRow: row, skill: skill, online: online).filter { $0.activeCases < $0.maxActiveCases }
                guard let best = ranked.first else { throw SwarmError.notFound("nobody with skill \(skill!) has room for another case") }
                toUser = Ids.parse(.user, best.user)
            } else if target.hasPrefix("#") || Ids.parse(.channel, target) != nil {
                let ch = try Rows.channel(db, ref: target)
                guard ch.kind != .dm else { throw SwarmError.badRequest("hand a case to a team channel, not a direct message") }
                let kind = ChannelKind(rawValue: row["channel_kind"]) ?? .private
                guard CaseVisibility.mayQueue(caseChannelKind: kind, caseChannel: row["channel_id"], in: ch.id) else {
                    throw SwarmError.forbidden("this case is in private #\(row["channel_name"] as String), which #\(ch.name)'s members may not read; hand it to a person or to #\(row["channel_name"] as String)")
                }
                toChannel = ch
            } else {
                let u = try Rows.userRow(db, ref: target)
                guard Rows.user(u).role != .bot else { throw SwarmError.badRequest("a case cannot be handed to a bot") }
                toUser = u["id"]
            }
            if let toUser, toUser == from { throw SwarmError.badRequest("the case is already theirs") }
            let now = Timestamp.now()
            try db.execute("UPDATE cases SET owner_id = ?, status = CASE WHEN status = 'new' AND CAST(? AS BIGINT) IS NOT NULL THEN 'open' ELSE status END, updated_at = ? WHERE id = ?", [toUser, toUser, now, caseId])
            try db.execute("INSERT INTO handoffs(case_id, from_user, to_user, to_channel, skill, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)", [caseId, from, toUser, toChannel?.id, skill, note, now])
            tx.touchReport(caseId)
            let handoff = try Self.handoffs(db, caseId: caseId).last!
            let caseChannel = try Rows.channel(db, ref: Ids.make(.channel, row["channel_id"]))
            // The new owner can read and post in the thread from now on.
            if let toUser {
                try Self.ensureMember(tx, channel: caseChannel, user: toUser, by: p.id)
                // Marketing and product staff see only cases they were swarmed into
                // (CaseVisibility); owning one counts as being brought in.
                if let role = try db.fetchOne(String.self, "SELECT role FROM users WHERE id = ?", [toUser]),
                   role == Role.marketing.rawValue || role == Role.product.rawValue {
                    try db.execute("INSERT INTO case_swarm(case_id, user_id, invited_by, invited_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [caseId, toUser, p.id, now])
                }
            }
            try Self.ensureMember(tx, channel: caseChannel, user: p.id)
            let who = handoff.toName.map { "@\($0)" } ?? toChannel.map { "#\($0.name)" } ?? "?"
            let card: JSONValue = .object(["type": .string("handoff"), "case": .string(Ids.make(.case, caseId)), "to": handoff.to.map(JSONValue.string) ?? .null,
                                           "to_channel": handoff.toChannel.map(JSONValue.string) ?? .null])
            _ = try Self.insertMessage(tx, channel: caseChannel, author: p, body: "Handed off to \(who): \(note)", thread: row["thread_id"], card: card)
            try Self.addTimeline(tx, customer: row["customer_id"], caseId: caseId, kind: "handoff", text: "handed off to \(who): \(note)", by: p.id)
            try Self.announce(tx, caseId: caseId, change: "owner", by: p)
            // A reference, not a brief: what of the customer's other cases a brief shows depends on
            // who reads it, and this event is replayed to whoever joins the channel later. Each
            // recipient fetches `case.brief` (filtered for them); the hub and the replay deliver the
            // event only to those who may see the case.
            let event = HandoffEvent(handoff: handoff)
            let audience = try Self.caseAudience(db, caseRow: row)
            if let toUser {
                try tx.append(.caseHandoff, channel: nil, user: toUser, audience: audience, event)
            } else if let toChannel {
                try tx.append(.caseHandoff, channel: toChannel.id, user: nil, audience: audience, event)
            }
            return handoff
        }
    }

    static func handoffs(_ db: SQLDB, caseId: Int64) throws -> [Handoff] {
        try db.fetchAll("""
            SELECT h.*, f.name AS from_name, t.name AS to_name FROM handoffs h
            LEFT JOIN users f ON f.id = h.from_user LEFT JOIN users t ON t.id = h.to_user
            WHERE h.case_id = ? ORDER BY h.id
            """, [caseId]).map { r in
            let from: Int64? = r["from_user"], to: Int64? = r["to_user"], ch: Int64? = r["to_channel"]
            return Handoff(caseId: Ids.make(.case, caseId), from: from.map { Ids.make(.user, $0) }, fromName: r["from_name"],
                           to: to.map { Ids.make(.user, $0) }, toName: r["to_name"], toChannel: ch.map { Ids.make(.channel, $0) },
                           skill: r["skill"], note: r["note"], at: r["at"])
        }
    }

    static func swarmMembers(_ db: SQLDB, caseId: Int64) throws -> [SwarmMember] {
        try db.fetchAll("""
            SELECT s.*, u.name FROM case_swarm s JOIN users u ON u.id = s.user_id WHERE s.case_id = ? ORDER BY s.invited_at, u.name
            """, [caseId]).map { r in
            let by: Int64? = r["invited_by"]
            return SwarmMember(user: Ids.make(.user, r["user_id"]), name: r["name"], invitedBy: by.map { Ids.make(.user, $0) },
                               invitedAt: r["invited_at"], joinedAt: r["joined_at"], contributions: r["contributions"])
        }
    }
}
