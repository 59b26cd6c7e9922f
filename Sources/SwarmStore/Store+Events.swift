import Foundation
import GRDB
import SwarmCore
import SwarmProtocol

extension SQLiteStore {
    /// Highest seq in the log (0 when empty).
    public func head() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM events") ?? 0 }
    }

    /// Highest seq removed by retention; a resume from before it cannot be served.
    public func prunedThrough() async throws -> Int64 {
        try await read { db in try Self.prunedThrough(db) }
    }

    static func prunedThrough(_ db: Database) throws -> Int64 {
        Int64(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'pruned_through'") ?? "0") ?? 0
    }

    /// The next page of events after `after` that this user may see, in log order.
    public func visibleEvents(user: Int64, after: Int64, limit: Int) async throws -> [LoggedEvent] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT seq, type, channel_id, user_id, data FROM events
                WHERE seq > ?1 AND (user_id = ?2 OR channel_id IN (SELECT channel_id FROM members WHERE user_id = ?2))
                ORDER BY seq LIMIT ?3
                """), arguments: [after, user, limit]).map(LoggedEvent.init(row:))
        }
    }

    /// Drops events older than `olderThan` (RFC 3339) but always keeps the newest `keepLast`.
    @discardableResult
    public func pruneEvents(olderThan: String, keepLast: Int = 0) async throws -> Int {
        try await write { tx in
            let db = tx.db
            let head = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM events") ?? 0
            let limitSeq = head - Int64(keepLast)
            guard let cut = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events WHERE created_at < ? AND seq <= ?", arguments: [olderThan, limitSeq]) else { return 0 }
            try db.execute(sql: "DELETE FROM events WHERE seq <= ?", arguments: [cut])
            let removed = db.changesCount
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('pruned_through', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [String(cut)])
            try db.execute(sql: "DELETE FROM idempotency WHERE created_at < ?", arguments: [olderThan])
            return removed
        }
    }
}
