import Foundation
import SwarmCore
import SwarmProtocol

/// Reading the triage queue (`queue.list`) and taking from it (`queue.next`), PROTOCOL §22.
/// Candidates are read in stored-score order from `case_queue_stored` and scored with the time
/// parts at `now`; `QueueRanking` stops the read once no remaining case could enter the top.
/// The longest-waiting cases and the nearest deadlines are offered first, so that bar rises early.
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

        /// The SQL narrowing (the visibility rule itself is applied to each candidate after).
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

    private static let queueSelect = """
        SELECT q.case_id, q.stored, q.parts, q.waiting_since, q.paused, c.sla_due_at, c.first_response_at, c.tags,
               ch.kind AS channel_kind, ch.name AS channel_name,
               EXISTS(SELECT 1 FROM members m WHERE m.channel_id = q.channel_id AND m.user_id = ?) AS member,
               EXISTS(SELECT 1 FROM case_swarm s WHERE s.case_id = q.case_id AND s.user_id = ?) AS swarmed
        FROM case_queue q JOIN cases c ON c.id = q.case_id JOIN channels ch ON ch.id = q.channel_id
        """

    struct Scored {
        /// The stored parts as JSON, decoded only for the cases that make the top.
        var storedParts: String
        var timed: [QueueScorePart]
        var waitingSince: String?
        var waitingSeconds: Int
        var slaDue: String?
        var slaSecondsLeft: Int?
    }

    /// The best `limit` cases of the filter at `now`, best first.
    static func rankQueue(_ db: SQLDB, _ filter: QueueFilter, limit: Int, now: Date, rules: QueueRules) throws -> [QueueItem] {
        let (conditions, args) = filter.sql()
        let who = reader(filter.reader)
        var ranking = QueueRanking<Scored>(limit: limit, maxTimed: rules.weights.maxTimedPoints)
        let decoder = JSONDecoder()
        func consider(_ row: SQLRow) throws {
            let id: Int64 = row["case_id"]
            guard !ranking.contains(id) else { return }
            let facts = CaseVisibility.Facts(channelKind: ChannelKind(rawValue: row["channel_kind"]) ?? .private, channelName: row["channel_name"],
                                             isMember: row["member"], isSwarmed: row["swarmed"])
            guard CaseVisibility.maySee(who, facts) else { return }
            if filter.forTaking {
                let tags = decodeList(row["tags"])
                guard QueueRouting.skillAllows(caseTags: tags, callerSkills: filter.callerSkills, knownSkills: filter.knownSkills) else { return }
            }
            let stored: Int = row["stored"]
            let waitingSince: String? = row["waiting_since"]
            let due: String? = row["sla_due_at"]
            let dueDate = due.flatMap(Timestamp.parse)
            let clock = QueueScore.Clock(waitingSince: waitingSince.flatMap(Timestamp.parse), slaDue: dueDate,
                                         firstResponsePending: (row["first_response_at"] as String?) == nil, paused: row["paused"])
            let timed = QueueScore.timed(clock, now: now, rules.weights)
            let waited = clock.paused ? 0 : clock.waitingSince.map { max(0, Int(now.timeIntervalSince($0))) } ?? 0
            // `stored` is the sum of the stored parts (refreshQueue keeps them together).
            ranking.offer(caseId: id, score: stored + QueueScore.total(timed), waitingSeconds: waited,
                          payload: Scored(storedParts: row["parts"], timed: timed, waitingSince: waitingSince, waitingSeconds: waited, slaDue: due,
                                          slaSecondsLeft: dueDate.map { Int($0.timeIntervalSince(now).rounded(.down)) }))
        }
        let base = [filter.reader.id, filter.reader.id] + args
        // Seeds: the longest waits and the nearest deadlines carry the biggest time parts.
        // Each walks its own index (`case_queue_waiting`, `cases_open_due`) for a few rows; the
        // nearest deadlines are taken before the filters (seeds only raise the bar early).
        let seeds = ["q.waiting_since IS NOT NULL ORDER BY q.waiting_since LIMIT ?",
                     "q.case_id IN (SELECT id FROM cases INDEXED BY cases_open_due WHERE status IN ('new', 'open', 'pending') ORDER BY sla_due_at LIMIT ?)"]
        for seed in seeds {
            let rows = try db.fetchAll(queueSelect + " WHERE \(conditions) AND \(seed)", SQLArguments(base + [limit * 4]))
            for row in rows { try consider(row) }
        }
        var cursor = try db.fetchCursor(queueSelect + " WHERE \(conditions) ORDER BY q.stored DESC, q.case_id", SQLArguments(base))
        while let row = try cursor.next() {
            guard ranking.mayEnter(storedScore: row["stored"]) else { break }
            try consider(row)
        }
        return try ranking.entries.map { entry in
            let model = try caseModel(db, try caseRow(db, ref: Ids.make(.case, entry.caseId)))
            let s = entry.payload
            let stored = (try? decoder.decode([QueueScorePart].self, from: Data(s.storedParts.utf8))) ?? []
            let parts = QueueScore.ordered(stored + s.timed)
            return QueueItem(caseInfo: model, score: entry.score, parts: parts, why: QueueScore.explain(parts), waitingSince: s.waitingSince,
                             waitingSeconds: s.waitingSeconds, slaDue: s.slaDue, slaSecondsLeft: s.slaSecondsLeft)
        }
    }
}
