import Foundation

/// Which SQL the executor speaks, for the few statements that differ (full-text search, the event
/// log's sequence, some upserts). Everything else is one statement for both.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// What a backend runs statements with: one connection, inside one read or write transaction, on
/// the calling thread (the store's rules run synchronously inside a transaction on both backends).
public protocol SQLExecutor: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int
    /// Runs a query and hands each row to `body`; `body` returns false to stop early.
    func query(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Bool) throws
    /// Runs a query and hands each row as a view (`SQLRowView`); the default reads each row first.
    func scan(_ sql: String, _ arguments: SQLArguments, _ body: (borrowing SQLRowView) throws -> Void) throws
    /// The id the last INSERT gave its row.
    func lastInsertedRowID() throws -> Int64
    /// Runs `body` in a savepoint: its changes are undone, and the transaction stays usable, if it throws.
    func savepoint(_ body: () throws -> Void) throws
    /// Runs a statement whose row count nobody reads; a backend may send it without waiting and
    /// report its failure by the next statement or at the end of the savepoint.
    func executePipelined(_ sql: String, _ arguments: SQLArguments) throws
    /// The same for a statement that must change exactly `rows` rows: when it did not, the
    /// failure (`SQLRowCountMismatch`) surfaces like any other pipelined statement's.
    func executePipelined(_ sql: String, _ arguments: SQLArguments, expectingRows rows: Int) throws
    /// A statement failed and the transaction refuses the rest until a rollback to a savepoint
    /// (PostgreSQL; SQLite undoes only the failed statement). A `SwarmError` thrown then is a
    /// failed statement's (NUL in text is refused that way), not a rule's refusal.
    var aborted: Bool { get }
}

extension SQLExecutor {
    func executePipelined(_ sql: String, _ arguments: SQLArguments) throws {
        try execute(sql, arguments)
    }

    func executePipelined(_ sql: String, _ arguments: SQLArguments, expectingRows rows: Int) throws {
        let changed = try execute(sql, arguments)
        guard changed == rows else { throw SQLRowCountMismatch(sql: sql, expected: rows, changed: changed) }
    }

    var aborted: Bool { false }
}

/// A pipelined statement changed another number of rows than its caller counted on (an
/// optimistic write whose condition did not hold): not a storage failure, the job's own.
public struct SQLRowCountMismatch: Error, CustomStringConvertible {
    public var sql: String
    public var expected: Int
    public var changed: Int
    public var description: String { "\(changed) rows changed, \(expected) expected, by: \(sql.prefix(120))" }
}

/// The store's handle on the database inside one transaction. Store code is written against this
/// type only, so the SQLite and the PostgreSQL backends run the same rules and the same statements.
public final class SQLDB {
    public let executor: any SQLExecutor
    /// Rows changed by the last `execute`.
    public private(set) var changesCount = 0

    public init(_ executor: any SQLExecutor) {
        self.executor = executor
    }

    public var dialect: SQLDialect { executor.dialect }

    /// The id the last INSERT gave its row (a table with an integer id column on both backends).
    public var lastInsertedRowID: Int64 {
        get throws { try executor.lastInsertedRowID() }
    }

    public func execute(_ sql: String, _ arguments: SQLArguments = []) throws {
        changesCount = try executor.execute(sql, arguments)
    }

    /// For a write whose row count nobody reads (`changesCount` is not set): on PostgreSQL it goes
    /// out without waiting for the answer, so the next statement does not wait twice; a failure
    /// surfaces at the next statement or at the end of the savepoint, before anything commits.
    public func executePipelined(_ sql: String, _ arguments: SQLArguments = []) throws {
        try executor.executePipelined(sql, arguments)
    }

    /// A pipelined write that must change exactly `rows` rows; otherwise it fails (`SQLRowCountMismatch`)
    /// where a pipelined statement's failure surfaces: the savepoint it ran in is rolled back.
    public func executePipelined(_ sql: String, _ arguments: SQLArguments = [], expectingRows rows: Int) throws {
        try executor.executePipelined(sql, arguments, expectingRows: rows)
    }

    public func fetchAll(_ sql: String, _ arguments: SQLArguments = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try executor.query(sql, arguments) { rows.append($0); return true }
        return rows
    }

    public func fetchOne(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRow? {
        var first: SQLRow?
        try executor.query(sql, arguments) { first = $0; return false }
        return first
    }

    /// The first column of every row.
    public func fetchAll<T: SQLDecodable>(_ type: T.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> [T] {
        var values: [T] = []
        try executor.query(sql, arguments) { row in
            if let v: T = row[0] { values.append(v) }
            return true
        }
        return values
    }

    /// The first column of the first row; nil when there is no row or it is NULL.
    public func fetchOne<T: SQLDecodable>(_ type: T.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        var value: T?
        try executor.query(sql, arguments) { row in
            value = row[0]
            return false
        }
        return value
    }

    /// Streams the rows of a large read without holding them all.
    public func forEach(_ sql: String, _ arguments: SQLArguments = [], _ body: (SQLRow) throws -> Void) throws {
        try executor.query(sql, arguments) { try body($0); return true }
    }

    /// Hands rows to `body` until it returns false: the rest of the result is not read (on SQLite
    /// not even computed), for walks that stop at a bound.
    public func each(_ sql: String, _ arguments: SQLArguments = [], _ body: (SQLRow) throws -> Bool) throws {
        try executor.query(sql, arguments, body)
    }

    /// Rows to step through with `next()` (read in full first: both backends' results are small
    /// or are streamed with `forEach`).
    public func fetchCursor(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRowCursor {
        SQLRowCursor(rows: try fetchAll(sql, arguments))
    }

    /// See `SQLExecutor.aborted`.
    public var aborted: Bool { executor.aborted }

    public func inSavepoint(_ body: () throws -> Void) throws {
        try executor.savepoint(body)
    }
}

public struct SQLRowCursor {
    var iterator: IndexingIterator<[SQLRow]>

    init(rows: [SQLRow]) {
        iterator = rows.makeIterator()
    }

    public mutating func next() throws -> SQLRow? { iterator.next() }
}

/// A backend: where read and write transactions come from.
public protocol SQLBackend: Sendable {
    var dialect: SQLDialect { get }
    /// A read-only transaction on a reader connection.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T
    /// A read of exactly one statement, which sees one snapshot by itself: no transaction around
    /// it where that costs round trips (PostgreSQL: no BEGIN and COMMIT). The body must run one
    /// statement only, and no write (PostgreSQL refuses anything else; SQLite runs it as any read).
    func readStatement<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T
    /// A write transaction (the group committer is the only caller in the server).
    func write<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T
    /// Closes connections; no call may follow.
    func shutdown() async
}

extension SQLBackend {
    /// SQLite: a read transaction costs no round trip, so a one-statement read is a read.
    public func readStatement<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
        try await read(body)
    }
}

/// A backend whose write transaction can run on the calling thread, blocking it (SQLite: GRDB's
/// synchronous write). Only the group committer's own thread calls it (`StoreThread`).
protocol BlockingSQLWriter {
    func writeBlocking<T>(_ body: (SQLDB) throws -> T) throws -> T
    /// A number that moves whenever another connection (another process, another node) commits
    /// to the database, and never for the writer's own commits (SQLite's `PRAGMA data_version`
    /// on the writer's connection). Read outside a transaction, on the writer's thread. So events
    /// must be appended through the group committer (which hands them on itself) or through
    /// another connection: one appended by another write on the writer's connection would not
    /// move it, and the log tail would not see it until another connection commits.
    func othersChangeCounter() throws -> Int64
}

/// A UNIQUE, PRIMARY KEY, FOREIGN KEY, CHECK or NOT NULL constraint refused a statement. Each
/// executor turns its database's own error into this, so store code catches one type.
public struct SQLConstraintViolation: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "constraint violated: \(message)" }
}
