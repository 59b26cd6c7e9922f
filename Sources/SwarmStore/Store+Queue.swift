import Foundation
import SwarmCore
import SwarmProtocol

/// Keeping the triage queue's stored half current (PROTOCOL §22.2): every case change that is
/// announced re-scores the case's time-independent part; each contact records its urgency words
/// and whether the customer now waits; a customer's tier or VIP change re-scores their open cases.
/// Watchers learn of changes from the events these changes already send (PROTOCOL §22.4).
extension SQLiteStore {
    static let queuedStatuses: Set<CaseStatus> = [.new, .open, .pending]

    /// Sets the score's rules for this store and re-scores the queued cases scored with other
    /// rules (a changed `[queue]` config, or cases from before `v11-queue`). Returns how many.
    @discardableResult
    public func configureQueue(_ rules: QueueRules) async throws -> Int {
        committer.queueRules.withLock { $0 = rules }
        return try await write { tx in
            let stale = try tx.db.fetchAll(Int64.self, "SELECT case_id FROM case_queue WHERE queued = 1 AND fingerprint != ?", [rules.fingerprint])
            for id in stale { try Self.refreshQueue(tx, caseId: id) }
            return stale.count
        }
    }

    public var queueRules: QueueRules { committer.queueRules.withLock { $0 } }

    /// A contact was added to the case: its urgency words (inbound), and the waiting clock — an
    /// inbound contact starts it unless it runs, an outbound one (an answer) stops it.
    static func queueContact(_ tx: WriteTx, caseId: Int64, direction: Direction, at: String, text: String) throws {
        let db = tx.db
        if direction == .inbound {
            for word in tx.queueRules.urgency.hits(in: text) {
                try db.execute("INSERT INTO case_urgency(case_id, word) VALUES (?, ?) ON CONFLICT DO NOTHING", [caseId, word])
            }
            try db.execute("""
                UPDATE case_queue SET waiting_since = CASE WHEN waiting_since IS NULL OR waiting_since > ?1 THEN ?1 ELSE waiting_since END
                WHERE case_id = ?2
                """, [at, caseId])
        } else {
            try db.execute("UPDATE case_queue SET waiting_since = NULL WHERE case_id = ?", [caseId])
        }
        try refreshQueue(tx, caseId: caseId)
    }

    /// The customer's tier or VIP flag changed: their queued cases are re-scored.
    static func refreshCustomerQueue(_ tx: WriteTx, customer: Int64) throws {
        let ids = try tx.db.fetchAll(Int64.self, """
            SELECT q.case_id FROM case_queue q JOIN cases c ON c.id = q.case_id WHERE c.customer_id = ? AND q.queued = 1
            """, [customer])
        for id in ids { try refreshQueue(tx, caseId: id) }
    }

    /// Re-scores the stored half of one case.
    static func refreshQueue(_ tx: WriteTx, caseId: Int64) throws {
        let db = tx.db
        let rules = tx.queueRules
        guard let row = try db.fetchOne("""
            SELECT c.status, c.channel_id, c.owner_id, c.priority, c.public, c.reach, c.verified, c.account, c.created_at, cu.tier, cu.vip
            FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?
            """, [caseId]) else { return }
        let scoredWith = try db.fetchOne(String.self, "SELECT fingerprint FROM case_queue WHERE case_id = ?", [caseId])
        // New word lists: the hits are found again, once, from the case's inbound texts.
        if let scoredWith, scoredWith != rules.fingerprint { try rescanUrgency(tx, caseId: caseId) }
        let hits = try db.fetchAll(String.self, "SELECT word FROM case_urgency WHERE case_id = ? ORDER BY word", [caseId])
        let facts = QueueScore.CaseFacts(isPublic: row["public"] as Bool? ?? false, reach: row["reach"] as Int? ?? 0,
                                         verified: row["verified"] as Bool? ?? false, account: row["account"], tier: row["tier"],
                                         vip: row["vip"] as Bool? ?? false, priority: CasePriority(rawValue: row["priority"]) ?? .normal,
                                         urgencyHits: hits)
        let parts = QueueScore.stored(facts, rules)
        let stored = QueueScore.total(parts)
        let status = CaseStatus(rawValue: row["status"]) ?? .open
        let queued = queuedStatuses.contains(status)
        let channel: Int64 = row["channel_id"]
        let owner: Int64? = row["owner_id"]
        let paused = status == .pending
        try db.execute("""
            INSERT INTO case_queue(case_id, queued, channel_id, owner_id, paused, stored, parts, waiting_since, fingerprint)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(case_id) DO UPDATE SET queued = excluded.queued, channel_id = excluded.channel_id, owner_id = excluded.owner_id,
                paused = excluded.paused, stored = excluded.stored, parts = excluded.parts, fingerprint = excluded.fingerprint
            """, [caseId, queued, channel, owner, paused, stored, String(decoding: try tx.encoder.encode(parts), as: UTF8.self),
                                     row["created_at"] as String, rules.fingerprint])
    }

    /// Finds the case's urgency words again from all its inbound texts (only when the word lists
    /// changed; contacts otherwise add their own words as they arrive).
    static func rescanUrgency(_ tx: WriteTx, caseId: Int64) throws {
        let db = tx.db
        try db.execute("DELETE FROM case_urgency WHERE case_id = ?", [caseId])
        let texts = try db.fetchAll(String.self, """
            SELECT text FROM timeline WHERE case_id = ? AND kind = 'interaction' AND direction = 'inbound'
            """, [caseId])
        var words = Set<String>()
        for text in texts { words.formUnion(tx.queueRules.urgency.hits(in: text)) }
        for word in words.sorted() {
            try db.execute("INSERT INTO case_urgency(case_id, word) VALUES (?, ?) ON CONFLICT DO NOTHING", [caseId, word])
        }
    }
}
