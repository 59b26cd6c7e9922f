import Foundation

/// PostgreSQL: message ids for a group of optimistic posts (`SQLiteStore.optimisticPost`), drawn
/// from the messages' sequence in one round trip when the group's first post needs one, so no
/// post waits for `INSERT … RETURNING id`. Drawn then rather than with the batch's log-head lock:
/// jobs earlier in the batch that post (case cards) have taken their ids by then, so a node's
/// message ids keep the order of its log. Ids a group does not use are skipped, as a sequence
/// skips those of rolled-back inserts.
enum PostgresMessageIds {
    static func draw(_ db: SQLDB, count: Int) throws -> [Int64] {
        guard count > 0 else { return [] }
        return try db.fetchAll(Int64.self, "SELECT nextval(pg_get_serial_sequence('messages', 'id')) FROM generate_series(1, ?)", [count])
    }
}
