import Foundation

/// The start of a PostgreSQL write batch: the event log head's row lock (appends of all nodes
/// take turns on it until the commit, so seq grows in commit order) and, in the same round trip,
/// ids for the batch's optimistic posts from the messages' sequence. Ids a batch does not use are
/// skipped, as a sequence skips the ids of rolled-back inserts.
enum PostgresLogHead {
    static func lock(_ db: SQLDB, messageIds count: Int) throws -> (head: Int64, messageIds: [Int64]) {
        guard count > 0 else {
            guard let head = try db.fetchOne(Int64.self, "SELECT seq FROM event_head WHERE id = 1 FOR UPDATE") else {
                throw SQLUnavailable("event log head missing")
            }
            return (head, [])
        }
        guard let row = try db.fetchOne("""
            SELECT seq, (SELECT string_agg(nextval(pg_get_serial_sequence('messages', 'id'))::text, ',')
                         FROM generate_series(1, ?)) AS ids
            FROM event_head WHERE id = 1 FOR UPDATE
            """, [count]), let head: Int64 = row["seq"] else {
            throw SQLUnavailable("event log head missing")
        }
        let ids = ((row["ids"] as String?) ?? "").split(separator: ",").compactMap { Int64($0) }
        return (head, ids)
    }
}
