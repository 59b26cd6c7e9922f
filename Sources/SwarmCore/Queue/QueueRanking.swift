/// Keeps the best `limit` cases while the store feeds candidates in stored-score order, and says
/// when to stop reading: once a candidate's stored score plus the most time can add
/// (`QueueWeights.maxTimedPoints`) is below the last kept score, no later candidate (they have
/// lower stored scores) can enter the top. Order: score, then the longer wait, then the older case.
public struct QueueRanking<Payload> {
    public struct Entry {
        public var caseId: Int64
        public var score: Int
        public var waitingSeconds: Int
        public var payload: Payload
    }

    public let limit: Int
    public let maxTimed: Int
    public private(set) var entries: [Entry] = []
    private var seen: Set<Int64> = []

    public init(limit: Int, maxTimed: Int) {
        self.limit = max(1, limit)
        self.maxTimed = max(0, maxTimed)
    }

    public func contains(_ caseId: Int64) -> Bool { seen.contains(caseId) }

    /// Offers a scored case (a case offered twice counts once).
    public mutating func offer(caseId: Int64, score: Int, waitingSeconds: Int, payload: Payload) {
        guard seen.insert(caseId).inserted else { return }
        let entry = Entry(caseId: caseId, score: score, waitingSeconds: waitingSeconds, payload: payload)
        let at = entries.firstIndex { Self.before(entry, $0) } ?? entries.endIndex
        guard at < limit else { return }
        entries.insert(entry, at: at)
        if entries.count > limit { entries.removeLast() }
    }

    /// Whether a case with this stored score, or any lower, could still enter the top.
    public func mayEnter(storedScore: Int) -> Bool {
        guard entries.count >= limit, let last = entries.last else { return true }
        // Equal scores still compete on waiting time and age.
        return storedScore + maxTimed >= last.score
    }

    /// Whether a case scoring at most `score` and waiting at most `waitingSeconds` could still
    /// enter the top (at an equal score and wait the older case wins, so that still may).
    public func mayEnter(score: Int, waitingSeconds: Int) -> Bool {
        guard entries.count >= limit, let last = entries.last else { return true }
        return score > last.score || (score == last.score && waitingSeconds >= last.waitingSeconds)
    }

    static func before(_ a: Entry, _ b: Entry) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.waitingSeconds != b.waitingSeconds { return a.waitingSeconds > b.waitingSeconds }
        return a.caseId < b.caseId
    }
}

/// Who gets what from `queue.next` (skill and load aware).
public enum QueueRouting {
    /// A case tag that names a skill some user has marks the case as needing that skill: it goes
    /// only to callers with one of its skill tags. Cases without skill tags go to anyone who may
    /// take them (channel membership decides).
    public static func skillAllows(caseTags: [String], callerSkills: [String], knownSkills: Set<String>) -> Bool {
        let needed = Set(caseTags.map { $0.lowercased() }).intersection(knownSkills)
        return needed.isEmpty || !needed.isDisjoint(with: callerSkills.map { $0.lowercased() })
    }

    /// A caller at `max_active_cases` (new, open or pending cases they own) takes nothing more.
    public static func hasRoom(active: Int, max: Int) -> Bool { active < max }
}
