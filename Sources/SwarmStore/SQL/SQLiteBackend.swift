import Foundation
import GRDB
import SwarmProtocol

/// Runs the store's statements on SQLite through GRDB: one writer and a pool of WAL readers.
/// Statements are prepared once per connection and cached by their text.
final class GRDBExecutor: SQLExecutor {
    let db: Database

    init(_ db: Database) {
        self.db = db
    }

    var dialect: SQLDialect { .sqlite }

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        do {
            try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw SQLConstraintViolation(error.message ?? "\(error)")
        }
        return db.changesCount
    }

    func query(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Bool) throws {
        let statement = try db.cachedStatement(sql: sql)
        let columns = SQLColumns(statement.columnNames)
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        // The values are read straight off the stepped statement: GRDB's `Row.databaseValues` looks
        // every column up by name, which cost more than the query in a month's report (100,000 rows).
        let sqlite = statement.sqliteStatement
        let count = Int32(columns.names.count)
        while try cursor.next() != nil {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for i in 0..<count { values.append(Self.value(DatabaseValue(sqliteStatement: sqlite, index: i))) }
            guard try body(SQLRow(columns: columns, values: values)) else { return }
        }
    }

    func lastInsertedRowID() throws -> Int64 { db.lastInsertedRowID }

    func savepoint(_ body: () throws -> Void) throws {
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

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: return .null
        case .int64(let v): return .int(v)
        case .double(let d): return .double(d)
        case .string(let s): return .text(s)
        case .blob(let b): return .blob([UInt8](b))
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
