import Foundation
import SwarmCore
import SwarmProtocol

/// What `case.interaction` applies besides routing (PROTOCOL §23), built once from the config.
public struct TriageSettings: Sendable {
    /// nil: no duplicate check.
    public var duplicates: DuplicateRule?
    public var noise: NoiseFilter
    public var topics: TopicRules
    public var spike: TopicSpikeRule
    /// Channel name for `topic_spike` cards; nil: no alerts.
    public var alertChannel: String?

    public init(duplicates: DuplicateRule? = nil, noise: NoiseFilter = NoiseFilter(), topics: TopicRules = TopicRules(keywords: [:]),
                spike: TopicSpikeRule = TopicSpikeRule(), alertChannel: String? = nil) {
        self.duplicates = duplicates
        self.noise = noise
        self.topics = topics
        self.spike = spike
        self.alertChannel = alertChannel
    }

    public static let off = TriageSettings()
}

/// The duplicate check and the topic tags of inbound contacts.
extension SQLiteStore {
    /// At most this many of a customer's recent inbound contacts are compared: the check stays
    /// cheap for a customer who writes all day.
    static let duplicateCandidates = 50

    /// The earlier inbound contact of `customer` this text repeats, with its case, or nil.
    static func duplicateOf(_ db: SQLDB, rule: DuplicateRule?, customer: Int64, text: String, at: Date) throws -> (entry: Int64, caseId: Int64?)? {
        guard let rule, rule.windowSeconds > 0 else { return nil }
        let rows = try db.fetchAll("""
            SELECT id, case_id, at, text FROM timeline
            WHERE customer_id = ? AND kind = 'interaction' AND direction = 'inbound' AND at >= ? AND at <= ?
            ORDER BY at DESC LIMIT ?
            """, [customer, Timestamp.format(rule.windowStart(for: at)), Timestamp.format(at), duplicateCandidates])
        var cases: [Int64: Int64?] = [:]
        let candidates = rows.compactMap { row -> DuplicateRule.Candidate? in
            guard let when = Timestamp.parse(row["at"]) else { return nil }
            cases[row["id"]] = row["case_id"] as Int64?
            return DuplicateRule.Candidate(id: row["id"], at: when, text: row["text"])
        }
        guard let match = rule.match(text, at: at, among: candidates) else { return nil }
        return (match.id, cases[match.id] ?? nil)
    }

    /// An open case (new, open, pending) by row id, or nil.
    static func openCaseRow(_ db: SQLDB, _ id: Int64?) throws -> SQLRow? {
        guard let id else { return nil }
        let row = try caseRow(db, ref: Ids.make(.case, id))
        return ["new", "open", "pending"].contains(row["status"] as String) ? row : nil
    }

    /// Tags the case with the topics of an inbound text, counts them for the spike rule (a
    /// duplicate is not counted again) and posts a `topic_spike` card when one spikes.
    static func recordTopics(_ tx: WriteTx, _ p: Principal, caseId: Int64, text: String, at: Date, duplicate: Bool,
                             settings: TriageSettings, now: Date) throws {
        let topics = settings.topics.topics(for: text)
        guard !topics.isEmpty else { return }
        let db = tx.db
        for topic in topics {
            try db.execute("INSERT INTO case_topics(case_id, topic, source) VALUES (?, ?, 'rule') ON CONFLICT DO NOTHING", [caseId, topic])
        }
        guard !duplicate else { return }
        let when = Timestamp.format(at)
        for topic in topics {
            try db.execute("INSERT INTO topic_hits(topic, at, case_id) VALUES (?, ?, ?)", [topic, when, caseId])
        }
        // Only a contact of the last hour can make a spike now (a restored old one cannot).
        guard let channel = settings.alertChannel, at >= now.addingTimeInterval(-3600) else { return }
        for topic in topics { try spikeAlert(tx, p, topic: topic, channel: channel, rule: settings.spike, now: now) }
    }

    static func spikeAlert(_ tx: WriteTx, _ p: Principal, topic: String, channel: String, rule: TopicSpikeRule, now: Date) throws {
        let db = tx.db
        let hourAgo = now.addingTimeInterval(-3600)
        let count = try db.fetchOne(Int.self, "SELECT COUNT(*) FROM topic_hits WHERE topic = ? AND at > ? AND at <= ?", [topic, Timestamp.format(hourAgo), Timestamp.format(now)]) ?? 0
        guard count >= rule.minCount else { return }
        let baselineStart = hourAgo.addingTimeInterval(-Double(rule.baselineHours) * 3600)
        let baseline = try db.fetchOne(Int.self, "SELECT COUNT(*) FROM topic_hits WHERE topic = ? AND at > ? AND at <= ?", [topic, Timestamp.format(baselineStart), Timestamp.format(hourAgo)]) ?? 0
        guard rule.isSpike(lastHour: count, baselineTotal: baseline) else { return }
        let last = try db.fetchOne(String.self, "SELECT last_at FROM topic_alerts WHERE topic = ?", [topic])
        guard TopicSpikeRule.mayAlert(now: now, lastAlert: last.flatMap(Timestamp.parse)) else { return }
        // A missing channel must not lose the contact: no card, and the next contact tries again.
        guard let ch = try? Rows.channel(db, ref: channel) else { return }
        try db.execute("INSERT INTO topic_alerts(topic, last_at) VALUES (?, ?) ON CONFLICT(topic) DO UPDATE SET last_at = excluded.last_at", [topic, Timestamp.format(now)])
        let usual = Double(baseline) / Double(max(rule.baselineHours, 1))
        let usualText = String(format: "%.1f", usual)
        let card: JSONValue = .object(["type": .string("topic_spike"), "topic": .string(topic), "count": .number(Double(count)),
                                       "usual_per_hour": .number((usual * 10).rounded() / 10), "factor": .number(rule.factor),
                                       "at": .string(Timestamp.format(now))])
        // Posted in the poster's name without making them a member: a bot does not gain the leads channel.
        _ = try insertMessage(tx, channel: ch, author: p,
                              body: "Topic spike: \(topic) — \(count) contacts in the last hour (usual \(usualText)/h)", thread: nil, card: card)
    }

    /// Sorted topics of a case.
    static func caseTopics(_ db: SQLDB, caseId: Int64) throws -> [String] {
        try db.fetchAll(String.self, "SELECT topic FROM case_topics WHERE case_id = ? ORDER BY topic", [caseId])
    }

    /// `case.topics {case, add?, remove?}`: manual tags; an added rule tag becomes manual.
    public func caseTopics(_ p: Principal, _ req: CaseTopicsRequest) async throws -> Case {
        let add = try Self.validTopics(req.add ?? [], field: "add")
        let remove = try Self.validTopics(req.remove ?? [], field: "remove")
        guard !add.isEmpty || !remove.isEmpty else { throw SwarmError.badRequest("nothing to change: give add or remove") }
        guard Set(add).isDisjoint(with: remove) else { throw SwarmError.badRequest("a topic cannot be added and removed at once") }
        return try await write { tx in
            let db = tx.db
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .caseUpdate)
            let id: Int64 = row["id"]
            for topic in add {
                try db.execute("""
                    INSERT INTO case_topics(case_id, topic, source) VALUES (?, ?, 'manual')
                    ON CONFLICT(case_id, topic) DO UPDATE SET source = 'manual'
                    """, [id, topic])
            }
            for topic in remove { try db.execute("DELETE FROM case_topics WHERE case_id = ? AND topic = ?", [id, topic]) }
            try db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", [Timestamp.now(), id])
            return try Self.announce(tx, caseId: id, change: "topics", by: p)
        }
    }

    static func validTopics(_ list: [String], field: String) throws -> [String] {
        let clean = list.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard clean.count <= 16, clean.allSatisfy(TopicRules.isValidTopic) else {
            throw SwarmError.badRequest("\(field): up to 16 topics of 1–32 characters a-z 0-9 -")
        }
        return Array(Set(clean)).sorted()
    }
}

extension SQLiteStore {
    /// The duplicate check alone, as `case.interaction` runs it inside its write (here on a
    /// reader): for `dupes-bench` and diagnostics. The earlier entry's id, or nil.
    public func duplicateCheck(customer: String, text: String, at: Date, rule: DuplicateRule) async throws -> String? {
        let id = try Ids.require(.customer, customer, field: "customer")
        return try await read { db in try Self.duplicateOf(db, rule: rule, customer: id, text: text, at: at).map { Ids.make(.timeline, $0.entry) } }
    }
}
