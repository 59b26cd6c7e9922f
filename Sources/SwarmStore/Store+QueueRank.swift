import Foundation
import SwarmCore
import SwarmProtocol

/// Ranking the triage queue (PROTOCOL §22.2): the cases of a filter scored at `now`, the best
/// `limit` kept by `QueueRanking`, reading as few rows as an exact bound allows.
///
/// The walk goes down the stored scores one value at a time (index `case_queue_rank`, migration
/// `v14-queue-speed`). Within one value the waiting cases come oldest first: the waiting part never
/// falls as a wait grows, so the row in hand bounds every later row of its value (at most its own
/// waiting part plus the whole SLA part, and no longer a wait for the tie-break). Once that bound
/// cannot enter the top, the rest of the value is skipped; the value's answered and paused cases
/// (no waiting part) are read only when their bound can enter. Seeds (the longest waits and the
/// nearest deadlines) raise the bar first. Only the cases that make the top get their breakdown.
extension SQLiteStore {
    /// What the walk keeps of a candidate until the top is known.
    struct QueueCandidate {
        var clock: QueueScore.Clock
        var waitingSince: String?
        var slaDue: String?
    }

    /// Columns by position (read for every candidate, so no lookups by name).
    private static let queueSelect = """
        SELECT q.case_id, q.stored, q.waiting_since, q.paused, q.channel_id, c.sla_due_at, c.first_response_at IS NULL, c.tags
        FROM case_queue q JOIN cases c ON c.id = q.case_id JOIN channels ch ON ch.id = q.channel_id
        """

    /// The best `limit` cases of the filter at `now`, best first.
    static func rankQueue(_ db: SQLDB, _ filter: QueueFilter, limit: Int, now: Date, rules: QueueRules) throws -> [QueueItem] {
        let (conditions, args) = filter.sql()
        let weights = rules.weights
        var sight = QueueSight(reader: filter.reader)
        var ranking = QueueRanking<QueueCandidate>(limit: limit, maxTimed: weights.maxTimedPoints)

        /// Scores one row the reader may see (and, for `queue.next`, may take) and offers it.
        func consider(_ row: SQLRow) throws {
            let id: Int64 = row[0]
            guard !ranking.contains(id), try sight.sees(db, caseId: id, channel: row[4]) else { return }
            if filter.forTaking {
                guard QueueRouting.skillAllows(caseTags: decodeList(row[7]), callerSkills: filter.callerSkills, knownSkills: filter.knownSkills)
                else { return }
            }
            let stored: Int = row[1]
            let waitingSince: String? = row[2]
            let due: String? = row[5]
            let clock = QueueScore.Clock(waitingSince: waitingSince.flatMap(Timestamp.parse), slaDue: due.flatMap(Timestamp.parse),
                                         firstResponsePending: row[6], paused: row[3])
            ranking.offer(caseId: id, score: stored + QueueScore.timedTotal(clock, now: now, weights), waitingSeconds: waitedSeconds(clock, now),
                          payload: QueueCandidate(clock: clock, waitingSince: waitingSince, slaDue: due))
        }
        func select(_ tail: String) -> String {
            queueSelect + " WHERE \(conditions) AND " + tail
        }

        // Seeds: the longest waits and the nearest deadlines carry the biggest time parts. Each
        // walks its own index (`case_queue_waiting`, `cases_open_due`) for a few rows; the nearest
        // deadlines are taken before the filters (seeds only raise the bar early).
        let openDue = db.dialect == .sqlite ? "cases INDEXED BY cases_open_due" : "cases"
        let seeds = ["q.waiting_since IS NOT NULL ORDER BY q.waiting_since LIMIT ?",
                     "q.case_id IN (SELECT id FROM \(openDue) WHERE status IN ('new', 'open', 'pending') ORDER BY sla_due_at LIMIT ?)"]
        for seed in seeds {
            try db.each(select(seed), SQLArguments(args + [limit])) { try consider($0); return true }
        }

        let waiting = select("q.stored = ? AND q.paused = 0 AND q.waiting_since IS NOT NULL ORDER BY q.waiting_since, q.case_id")
        let answered = select("q.stored = ? AND q.paused = 0 AND q.waiting_since IS NULL")
        let paused = select("q.stored = ? AND q.paused = 1")
        var below = Int.max
        while let value = try db.fetchOne(Int.self, "SELECT MAX(stored) FROM case_queue WHERE queued = 1 AND stored < ?", [below]) {
            below = value
            // Nothing of this value or any lower can enter once even the most time cannot lift it.
            guard ranking.mayEnter(score: value + weights.maxTimedPoints, waitingSeconds: .max) else { break }
            try db.each(waiting, SQLArguments(args + [value])) { row in
                // This row and every later one of the value wait no longer and so score no more.
                let since = (row[2] as String?).flatMap(Timestamp.parse)
                let clock = QueueScore.Clock(waitingSince: since, slaDue: nil, firstResponsePending: false)
                let most = value + QueueScore.timedTotal(clock, now: now, weights) + weights.slaMax
                guard ranking.mayEnter(score: most, waitingSeconds: waitedSeconds(clock, now)) else { return false }
                try consider(row)
                return true
            }
            if ranking.mayEnter(score: value + weights.slaMax, waitingSeconds: 0) {
                try db.each(answered, SQLArguments(args + [value])) { try consider($0); return true }
            }
            if ranking.mayEnter(score: value, waitingSeconds: 0) {
                try db.each(paused, SQLArguments(args + [value])) { try consider($0); return true }
            }
        }

        let decoder = JSONDecoder()
        return try ranking.entries.map { entry in
            let model = try caseModel(db, try caseRow(db, ref: Ids.make(.case, entry.caseId)))
            let c = entry.payload
            let json = try db.fetchOne(String.self, "SELECT parts FROM case_queue WHERE case_id = ?", [entry.caseId]) ?? "[]"
            let stored = (try? decoder.decode([QueueScorePart].self, from: Data(json.utf8))) ?? []
            let parts = QueueScore.ordered(stored + QueueScore.timed(c.clock, now: now, rules.weights))
            return QueueItem(caseInfo: model, score: entry.score, parts: parts, why: QueueScore.explain(parts), waitingSince: c.waitingSince,
                             waitingSeconds: entry.waitingSeconds, slaDue: c.slaDue,
                             slaSecondsLeft: c.clock.slaDue.map { Int($0.timeIntervalSince(now).rounded(.down)) })
        }
    }

    /// The tie-break: how long the customer has waited (0 when answered or paused).
    private static func waitedSeconds(_ clock: QueueScore.Clock, _ now: Date) -> Int {
        clock.paused ? 0 : clock.waitingSince.map { max(0, Int(now.timeIntervalSince($0))) } ?? 0
    }

    /// Which queued cases one reader may see (`CaseVisibility.maySee`), read per channel: the rule
    /// depends on a case only through its channel and whether the reader was swarmed into it, so
    /// each channel the walk meets is looked up once, and the swarm record only where it decides.
    struct QueueSight {
        enum Sight { case all, none, ifSwarmed }
        let reader: Principal
        private var channels: [Int64: Sight] = [:]

        init(reader: Principal) { self.reader = reader }

        mutating func sees(_ db: SQLDB, caseId: Int64, channel: Int64) throws -> Bool {
            let sight: Sight
            if let known = channels[channel] {
                sight = known
            } else {
                sight = try Self.sight(db, reader, channel: channel)
                channels[channel] = sight
            }
            switch sight {
            case .all: return true
            case .none: return false
            case .ifSwarmed:
                return try db.fetchOne(Bool.self, "SELECT EXISTS(SELECT 1 FROM case_swarm WHERE case_id = ? AND user_id = ?)", [caseId, reader.id]) ?? false
            }
        }

        static func sight(_ db: SQLDB, _ p: Principal, channel: Int64) throws -> Sight {
            guard let row = try db.fetchOne("""
                SELECT ch.kind, ch.name, EXISTS(SELECT 1 FROM members m WHERE m.channel_id = ch.id AND m.user_id = ?) FROM channels ch WHERE ch.id = ?
                """, [p.id, channel]) else { return .none }
            let who = SQLiteStore.reader(p)
            func facts(swarmed: Bool) -> CaseVisibility.Facts {
                CaseVisibility.Facts(channelKind: ChannelKind(rawValue: row[0]) ?? .private, channelName: row[1], isMember: row[2], isSwarmed: swarmed)
            }
            if CaseVisibility.maySee(who, facts(swarmed: false)) { return .all }
            return CaseVisibility.maySee(who, facts(swarmed: true)) ? .ifSwarmed : .none
        }
    }
}
