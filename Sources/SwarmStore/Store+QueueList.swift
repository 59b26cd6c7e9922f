import Foundation
import SwarmCore
import SwarmProtocol

/// Reading the triage queue (`queue.list`) and taking from it (`queue.next`), PROTOCOL §22.
/// The ranking itself (which rows are read, and why no others can enter) is `rankQueue`, in
/// `Store+QueueRank.swift`.
extension SQLiteStore {
    public static let queueRefreshSeconds = 30

    public func queueList(_ p: Principal, _ req: QueueListRequest, now: Date = Date()) async throws -> QueueListReply {
        if let l = req.limit, l < 1 || l > 200 { throw SwarmError.badRequest("limit must be 1–200") }
        guard req.owner == nil || req.owner == "none" || req.owner == "me" else { throw SwarmError.badRequest("owner must be \"none\" or \"me\"") }
        let skill = try req.skill.map(Self.queueSkill)
        guard CasePermissions.access(p.role, .caseList) != .none else { throw SwarmError.forbidden("\(p.role.rawValue) may not list cases") }
        let rules = queueRules
        return try await read { db in
            var filter = QueueFilter(reader: p)
            filter.channel = try req.channel.map { try Rows.channel(db, ref: $0).id }
            filter.skill = skill
            filter.owner = req.owner
            let items = try Self.rankQueue(db, filter, limit: req.limit ?? 50, now: now, rules: rules)
            return QueueListReply(items: items, at: Timestamp.format(now), refreshSeconds: Self.queueRefreshSeconds)
        }
    }

    /// Assigns the caller the best case they may take: unowned, new or open, in a channel they
    /// are a member of, visible to them, matching their skills (`QueueRouting`), while they are
    /// under `max_active_cases`. The pick and the take are one write transaction, and the store
    /// has one writer, so two callers never get the same case.
    public func queueNext(_ p: Principal, _ req: QueueNextRequest, now: Date = Date()) async throws -> QueueNextReply {
        let skill = try req.skill.map(Self.queueSkill)
        guard CaseOwnership.mayTake(p.role) else { throw SwarmError.forbidden("\(p.role.rawValue) may not take cases") }
        let rules = queueRules
        return try await write { tx in
            let db = tx.db
            let active = try db.fetchOne(Int.self, """
                SELECT COUNT(*) FROM cases WHERE owner_id = ? AND status IN ('new', 'open', 'pending')
                """, [p.id]) ?? 0
            let user = try db.fetchOne("SELECT max_active_cases, skills FROM users WHERE id = ?", [p.id])
            let cap: Int = user?["max_active_cases"] ?? 5
            guard QueueRouting.hasRoom(active: active, max: cap) else {
                throw SwarmError.conflict("you have \(active) active cases, your limit is \(cap): solve or hand one off first")
            }
            var filter = QueueFilter(reader: p)
            filter.channel = try req.channel.map { try Rows.channel(db, ref: $0).id }
            filter.skill = skill
            filter.owner = "none"
            filter.forTaking = true
            filter.callerSkills = Self.decodeList(user?["skills"])
            var known = Set<String>()
            for list in try db.fetchAll(String.self, "SELECT skills FROM users WHERE deactivated_at IS NULL") {
                known.formUnion(Self.decodeList(list).map { $0.lowercased() })
            }
            filter.knownSkills = known
            guard let best = try Self.rankQueue(db, filter, limit: 1, now: now, rules: rules).first else { return QueueNextReply(item: nil) }
            let id = try Ids.require(.case, best.caseInfo.id, field: "case")
            let row = try Self.caseRow(db, ref: best.caseInfo.id)
            let taken = try Self.take(tx, p, caseRow: row, owner: "me")
            try db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", [Timestamp.now(), id])
            let model = try Self.announce(tx, caseId: id, change: taken.opened ? "status,owner" : "owner", by: p)
            var item = best
            item.caseInfo = model
            return QueueNextReply(item: item)
        }
    }

    static func queueSkill(_ s: String) throws -> String {
        let skill = s.trimmingCharacters(in: .whitespaces).lowercased()
        guard !skill.isEmpty, skill.count <= 64 else { throw SwarmError.badRequest("skill must be 1–64 characters") }
        return skill
    }

    /// Which queued cases a read considers.
    struct QueueFilter {
        var reader: Principal
        var channel: Int64?
        var skill: String?
        /// nil, "none" or "me".
        var owner: String?
        /// `queue.next`: only new/open cases in channels the caller is a member of, skill rule applied.
        var forTaking = false
        var callerSkills: [String] = []
        var knownSkills: Set<String> = []

        /// The SQL narrowing (the visibility rule itself is applied per channel after: `QueueSight`).
        func sql() -> (String, [(any SQLBindable)?]) {
            var conditions = ["q.queued = 1"]
            var args: [(any SQLBindable)?] = []
            if let channel { conditions.append("q.channel_id = ?"); args.append(channel) }
            if let skill { conditions.append("q.case_id IN (SELECT case_id FROM case_tags WHERE tag = ?)"); args.append(skill) }
            switch owner {
            case "none": conditions.append("q.owner_id IS NULL")
            case "me": conditions.append("q.owner_id = ?"); args.append(reader.id)
            default: break
            }
            if forTaking {
                conditions.append("q.paused = 0 AND q.channel_id IN (SELECT channel_id FROM members WHERE user_id = ?)")
                args.append(reader.id)
            }
            switch CasePermissions.access(reader.role, .caseList) {
            case .swarmed:
                conditions.append("q.case_id IN (SELECT case_id FROM case_swarm WHERE user_id = ?)")
                args.append(reader.id)
            case .any where !Permissions.isStaffLead(reader.role):
                conditions.append("(ch.kind = 'public' OR q.channel_id IN (SELECT channel_id FROM members WHERE user_id = ?))")
                args.append(reader.id)
            default: break
            }
            return (conditions.joined(separator: " AND "), args)
        }
    }
}
