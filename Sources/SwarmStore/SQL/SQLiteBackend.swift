import Foundation
import GRDB
import GRDBSQLite
import SwarmProtocol

/// Runs the store's statements on SQLite through GRDB: one writer and a pool of WAL readers.
/// Statements are prepared once per connection and cached by their text; plain ones are bound
/// and stepped directly (`SQLiteDirect`).
final class GRDBExecutor: SQLExecutor {
    let db: Database

    init(_ db: Database) {
        self.db = db
    }

    var dialect: SQLDialect { .sqlite }

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        do {
            let statement = try db.cachedStatement(sql: sql)
            if SQLiteDirect.isPlain(sql) {
                try SQLiteDirect.run(db, statement, arguments) { _ in true }
            } else {
                try statement.execute(arguments: Self.arguments(arguments))
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw SQLConstraintViolation(error.message ?? "\(error)")
        }
        return db.changesCount
    }

    func query(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Bool) throws {
        let statement = try db.cachedStatement(sql: sql)
        let columns = SQLColumns(statement.columnNames)
        // The values are read straight off the stepped statement: GRDB's `Row.databaseValues` looks
        // every column up by name, which cost more than the query in a month's report (100,000 rows).
        let count = Int32(columns.names.count)
        func row(_ sqlite: SQLiteStatement) throws -> Bool {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for i in 0..<count { values.append(Self.column(sqlite, i)) }
            return try body(SQLRow(columns: columns, values: values))
        }
        if SQLiteDirect.isPlain(sql) {
            try SQLiteDirect.run(db, statement, arguments, row)
            return
        }
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        while try cursor.next() != nil {
            guard try row(statement.sqliteStatement) else { return }
        }
    }

    /// Each row a view on the stepped statement.
    func scan(_ sql: String, _ arguments: SQLArguments, _ body: (borrowing SQLRowView) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        if SQLiteDirect.isPlain(sql) {
            try SQLiteDirect.run(db, statement, arguments) { sqlite in
                try body(SQLRowView(statement: sqlite))
                return true
            }
            return
        }
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        let sqlite = statement.sqliteStatement
        while try cursor.next() != nil { try body(SQLRowView(statement: sqlite)) }
    }

    func lastInsertedRowID() throws -> Int64 { db.lastInsertedRowID }

    /// Only inside a transaction (the group committer's batch). No transaction there means SQLite
    /// rolled the batch back on its own (a statement failed with BUSY or NOMEM, say): GRDB's
    /// `inSavepoint` would open a transaction of its own and the job would commit alone, outside
    /// the batch that then fails, so the savepoint fails as aborted instead (as GRDB's own
    /// transactions make every statement after such a rollback fail; `inCachedTransaction` cannot).
    func savepoint(_ body: () throws -> Void) throws {
        guard db.isInsideTransaction else {
            throw DatabaseError(resultCode: .SQLITE_ABORT, message: "Transaction was aborted")
        }
        try db.inSavepoint {
            try body()
            return .commit
        }
    }

    static func arguments(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(arguments.values.map { value -> DatabaseValue in
            switch value {
            case .null: return .null
            case .int(let v): return v.databaseValue
            case .double(let d): return d.databaseValue
            case .text(let s): return s.databaseValue
            case .blob(let b): return Data(b).databaseValue
            }
        })
    }

    /// Column `i` of the row `statement` stands on, through SQLite's C API (no `DatabaseValue` in between).
    static func column(_ statement: SQLiteStatement, _ i: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, i) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(statement, i))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(statement, i))
        case SQLITE_TEXT:
            // Text first, then its length: the documented order (the length is of the text form).
            guard let text = sqlite3_column_text(statement, i) else { return .text("") }
            let length = Int(sqlite3_column_bytes(statement, i))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite3_column_bytes(statement, i))
            guard length > 0, let blob = sqlite3_column_blob(statement, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: length)))
        default: return .null
        }
    }
}

/// The SQLite backend: GRDB's pool (one writer, WAL readers).
public struct SQLiteBackend: SQLBackend {
    public let pool: DatabasePool

    public init(pool: DatabasePool) {
        self.pool = pool
    }

    public var dialect: SQLDialect { .sqlite }

    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLDB(GRDBExecutor(db))) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
        try await pool.write { db in try body(SQLDB(GRDBExecutor(db))) }
    }

    public func shutdown() async {}
}

extension SQLiteBackend: BlockingSQLWriter {
    func writeBlocking<T>(_ body: (SQLDB) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in try db.inCachedTransaction { try body(SQLDB(GRDBExecutor(db))) } }
    }

    func othersChangeCounter() throws -> Int64 {
        try pool.writeWithoutTransaction { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}

extension SQLDB {
    /// The GRDB connection under the SQLite backend, for the SQLite-only paths (FTS5 tables and their
    /// tokenizer, prepared multi-row inserts). Other backends take their own path before calling this.
    func sqlite() throws -> Database {
        guard let grdb = (executor as? GRDBExecutor)?.db else {
            throw SwarmError(.internal, "a SQLite-only path ran on \(dialect.rawValue)")
        }
        return grdb
    }
}

extension SQLDB {
    /// Runs `body` on SQLite and does nothing on other backends: upkeep of structures only the
    /// SQLite search has (the KB terms table that plans FTS5 queries). PostgreSQL's text search
    /// keeps its own statistics.
    func sqliteOnly(_ body: (Database) throws -> Void) throws {
        guard dialect == .sqlite else { return }
        try body(try sqlite())
    }
}
