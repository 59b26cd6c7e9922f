import Foundation

/// PostgreSQL: the rows of a batch's optimistic posts (`SQLiteStore.optimisticPost`), written
/// together when the shared savepoint's posts are done instead of a few statements per post.
/// PostgreSQL parses, plans and runs each statement on its own; one multi-row statement per table
/// for the whole group costs a fraction of that (the store's writer is one connection, so its
/// backend's time per post is what caps a node's posts per second).
///
/// The group's checks ride in the statements as before: the read marks must change exactly one
/// membership row per (channel, author) (none: not a member, or no such channel), and idempotency
/// keys must be new. When a check fails the savepoint is rolled back and every post in it runs
/// again alone, on the waiting path.
struct PendingPostRows {
    /// The last message each (channel, author) posted: its read mark.
    private var readMarks: [ReadMark: Int64] = [:]
    private var readOrder: [ReadMark] = []
    private var messages: [SQLValue] = []
    private var events: [SQLValue] = []
    private var keys: [SQLValue] = []

    private struct ReadMark: Hashable {
        var channel: Int64
        var user: Int64
    }

    static let messageColumns = "id, channel_id, author_id, body, thread_id, mentions, created_at, card"
    static let eventColumns = "seq, type, channel_id, user_id, message_id, data, created_at"
    static let keyColumns = "user_id, key, op, result, created_at"
    /// The one-row statements of the same tables, written with the same columns and values.
    static let messageInsert = "INSERT INTO messages(\(messageColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    static let eventInsert = "INSERT INTO events(\(eventColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)"
    static let keyInsert = "INSERT INTO idempotency(\(keyColumns)) VALUES (?, ?, ?, ?, ?)"
    /// Rows per statement: well under PostgreSQL's 65,535 parameters for the widest table.
    static let rowsPerStatement = 1_000

    var isEmpty: Bool { readOrder.isEmpty && events.isEmpty && keys.isEmpty }

    /// A message whose id was drawn already; `values` in `messageColumns` order after the id.
    mutating func addMessage(id: Int64, channel: Int64, author: Int64, _ values: [SQLValue]) {
        let mark = ReadMark(channel: channel, user: author)
        if readMarks.updateValue(id, forKey: mark) == nil { readOrder.append(mark) }
        messages.append(.int(id))
        messages.append(contentsOf: values)
    }

    mutating func addEvent(_ values: [SQLValue]) {
        events.append(contentsOf: values)
    }

    mutating func addKey(_ values: [SQLValue]) {
        keys.append(contentsOf: values)
    }

    /// Sends the rows without waiting (`SQLDB.executePipelined`): read marks first (they are the
    /// membership check), then messages, their events and keys. Empties the buffer.
    mutating func flush(_ db: SQLDB) throws {
        defer { self = PendingPostRows() }
        for chunk in stride(from: 0, to: readOrder.count, by: Self.rowsPerStatement) {
            let marks = readOrder[chunk..<min(chunk + Self.rowsPerStatement, readOrder.count)]
            var values: [SQLValue] = []
            values.reserveCapacity(marks.count * 3)
            for mark in marks { values += [.int(mark.channel), .int(mark.user), .int(readMarks[mark]!)] }
            let rows = Self.placeholders(rows: marks.count, columns: 3, cast: "bigint")
            try db.executePipelined("""
                UPDATE members AS m SET last_read = v.id FROM (VALUES \(rows)) AS v(channel_id, user_id, id)
                WHERE m.channel_id = v.channel_id AND m.user_id = v.user_id
                """, SQLArguments(values: values), expectingRows: marks.count)
        }
        try insert("messages", Self.messageColumns, columns: 8, messages, db)
        try insert("events", Self.eventColumns, columns: 7, events, db)
        try insert("idempotency", Self.keyColumns, columns: 5, keys, db)
    }

    private func insert(_ table: String, _ names: String, columns: Int, _ values: [SQLValue], _ db: SQLDB) throws {
        let total = values.count / columns
        for chunk in stride(from: 0, to: total, by: Self.rowsPerStatement) {
            let count = min(Self.rowsPerStatement, total - chunk)
            let slice = values[(chunk * columns)..<((chunk + count) * columns)]
            try db.executePipelined("INSERT INTO \(table)(\(names)) VALUES \(Self.placeholders(rows: count, columns: columns))",
                                    SQLArguments(values: Array(slice)))
        }
    }

    /// `($1, $2), ($3, $4)` for `rows` rows of `columns` values, numbered from `first`; with
    /// `cast`, each value typed. Numbered already: `PostgresPlaceholders` passes text without `?`
    /// through untouched (and uncached: these texts differ with every row count).
    static func placeholders(rows: Int, columns: Int, cast: String? = nil, from first: Int = 1) -> String {
        let suffix = cast.map { "::" + $0 } ?? ""
        var out = ""
        out.reserveCapacity(rows * columns * (6 + suffix.utf8.count))
        var n = first - 1
        for r in 0..<rows {
            out += r == 0 ? "(" : ", ("
            for c in 0..<columns {
                n += 1
                out += (c == 0 ? "$" : ", $") + String(n) + suffix
            }
            out += ")"
        }
        return out
    }
}
