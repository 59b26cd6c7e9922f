import Foundation
import SwarmCore
import SwarmProtocol

extension SQLiteStore {
    /// Highest seq in the log (0 when empty).
    public func head() async throws -> Int64 {
        try await read { db in try Self.head(db) }
    }

    /// The highest seq committed, as the reader's transaction sees the log.
    static func head(_ db: SQLDB) throws -> Int64 {
        try db.fetchOne(Int64.self, headQuery) ?? 0
    }

    /// The log's head as a query (0 for an empty log), alone or inside a larger statement.
    static let headQuery = "SELECT COALESCE(MAX(seq), 0) FROM events"

    /// One page of a replay: the events to send, and where the next page starts.
    public struct ReplayPage: Sendable {
        public var events: [LoggedEvent]
        /// The highest seq this page looked at (sent or not); nil when there was nothing.
        public var through: Int64?
        /// More events may follow.
        public var more: Bool
    }

    /// The next page of events after `after` that `p` may see, in log order: those of channels
    /// they are a member of now and those addressed to them, less the case events
    /// (`case.updated`, `case.handoff`, `sla.warning`, `sla.breached`) of cases `CaseVisibility` does not let them see now, the
    /// same rule the hub applies live. `case.handoff` events logged by earlier servers carried the
    /// new owner's brief, a view of the customer's other cases made for one reader; it is never
    /// replayed (the receiver fetches `case.brief`).
    public func visibleEvents(_ p: Principal, after: Int64, limit: Int) async throws -> ReplayPage {
        try await read { db in
            let rows = try db.fetchAll("""
                SELECT seq, type, channel_id, user_id,
                       CASE type WHEN 'case.handoff' THEN json_remove(data, '$.brief') ELSE data END AS data,
                       CASE type WHEN 'case.updated' THEN json_extract(data, '$.case.id')
                                 WHEN 'sla.warning' THEN json_extract(data, '$.case.id')
                                 WHEN 'sla.breached' THEN json_extract(data, '$.case.id')
                                 WHEN 'case.handoff' THEN json_extract(data, '$.handoff.case') END AS case_ref
                FROM events
                WHERE seq > ?1 AND (user_id = ?2 OR channel_id IN (SELECT channel_id FROM members WHERE user_id = ?2))
                ORDER BY seq LIMIT ?3
                """, [after, p.id, limit])
            var cache: [String: Bool] = [:]
            var events: [LoggedEvent] = []
            for row in rows {
                if let ref = row["case_ref"] as String?, try !Self.maySeeCase(db, p, ref: ref, cache: &cache) { continue }
                events.append(LoggedEvent(row: row))
            }
            return ReplayPage(events: events, through: rows.last.map { $0["seq"] as Int64 }, more: rows.count == limit)
        }
    }

    /// Drops events older than `olderThan` (RFC 3339) but always keeps the newest `keepLast`.
    @discardableResult
    public func pruneEvents(olderThan: String, keepLast: Int = 0) async throws -> Int {
        try await write { tx in
            let db = tx.db
            let head = try Self.head(db)
            let limitSeq = head - Int64(keepLast)
            guard let cut = try db.fetchOne(Int64.self, "SELECT MAX(seq) FROM events WHERE created_at < ? AND seq <= ?", [olderThan, limitSeq]) else { return 0 }
            try db.execute("DELETE FROM events WHERE seq <= ?", [cut])
            let removed = db.changesCount
            try db.execute("INSERT INTO meta(key, value) VALUES ('pruned_through', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [String(cut)])
            try db.execute("DELETE FROM idempotency WHERE created_at < ?", [olderThan])
            return removed
        }
    }
}

extension SQLiteStore {
    /// Appends an event as it is given, through the writer (tests that replay what older
    /// servers logged). Not reachable from the network.
    public func appendRawEvent(type: String, channel: Int64?, data: String, at: String) async throws {
        try await write { tx in
            _ = try tx.insertEvent(type: type, channel: channel, user: nil, message: nil, data: data, at: at)
        }
    }
}
