import GRDB
import GRDBSQLite

/// Runs a cached GRDB statement straight through SQLite's C API: the store's `SQLValue`s are bound
/// with `sqlite3_bind_*` and the statement is stepped here. GRDB's own path boxes every argument
/// into a `DatabaseValue`, builds `StatementArguments`, validates them by name and nests a closure
/// per string; on the post path that was ~18 % of the writer's time (perf, issue 14).
///
/// Only plain statements take this path (`isPlain`: SELECT, INSERT, UPDATE, DELETE, WITH,
/// VALUES). Transaction and savepoint statements, pragmas and schema changes stay on GRDB's path,
/// which tracks transactions and clears its schema cache. Nothing else of GRDB's bookkeeping
/// applies to the store: it registers no transaction observers and no value observations.
enum SQLiteDirect {
    /// SQLite copies the bytes of a text or blob bound with this destructor before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Whether `sql` starts with a keyword of a plain query or data change (leading blanks skipped).
    static func isPlain(_ sql: String) -> Bool {
        var word: UInt64 = 0
        var letters = 0
        for byte in sql.utf8 {
            if letters == 0, byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D { continue }
            let upper = byte & ~0x20
            guard upper >= 0x41, upper <= 0x5A else { break }
            guard letters < 8 else { return false }
            word = word << 8 | UInt64(upper)
            letters += 1
        }
        return plainWords.contains(word)
    }

    private static let plainWords: Set<UInt64> = Set(["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES"].map { word in
        word.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    })

    /// Binds `arguments`, steps `statement` to its end (or until `row` returns false) and resets it,
    /// also when `row` throws. Errors come out as GRDB's `DatabaseError`, as on GRDB's path, so
    /// callers (constraint mapping, `StorageHealth`) see the same errors.
    static func run(_ db: Database, _ statement: Statement, _ arguments: SQLArguments,
                    _ row: (SQLiteStatement) throws -> Bool) throws {
        // GRDB refuses statements once SQLite has rolled the transaction back on its own (a full
        // disk, an I/O error): run alone, they would each commit outside it. So does this path.
        // The store runs every statement inside a read or write transaction.
        guard let connection = db.sqliteConnection, sqlite3_get_autocommit(connection) == 0 else {
            throw DatabaseError(resultCode: .SQLITE_ABORT, message: "Transaction was aborted", sql: statement.sql)
        }
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        defer {
            // Back to the start, so a read statement holds no read snapshot and the next use binds
            // afresh. After a failed step, reset returns the error again; the statement is reusable.
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        // `statement.sql` only on failure: GRDB rebuilds it (C string, trimmed through NSString) on
        // every read, which was 13 % of the writer's time when it was read here for each bind.
        try bind(s, arguments, sql: statement.sql)
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_ROW {
                guard try row(s) else { return }
            } else if code == SQLITE_DONE {
                return
            } else {
                // GRDB interrupts a connection only when the task waiting for it is cancelled, and
                // reports that as cancellation.
                if code & 0xFF == SQLITE_INTERRUPT { throw CancellationError() }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
                                    sql: statement.sql)
            }
        }
    }

    private static func bind(_ s: SQLiteStatement, _ arguments: SQLArguments, sql: @autoclosure () -> String) throws {
        let count = Int(sqlite3_bind_parameter_count(s))
        guard count == arguments.values.count else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(arguments.values.count), expected \(count)", sql: sql())
        }
        for (i, value) in arguments.values.enumerated() {
            let index = Int32(i + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(s, index)
            case .int(let v): code = sqlite3_bind_int64(s, index, v)
            case .double(let d): code = sqlite3_bind_double(s, index, d)
            case .text(var text):
                code = text.withUTF8 { b in
                    // A non-nil pointer even for "": SQLite binds NULL for a nil text pointer.
                    guard let base = b.baseAddress else { return sqlite3_bind_text(s, index, "", 0, transient) }
                    return base.withMemoryRebound(to: CChar.self, capacity: b.count) { sqlite3_bind_text(s, index, $0, Int32(b.count), transient) }
                }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { b in
                    b.baseAddress == nil ? sqlite3_bind_zeroblob(s, index, 0) : sqlite3_bind_blob(s, index, b.baseAddress, Int32(b.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "binding argument \(index) failed", sql: sql()) }
        }
    }
}
