import GRDBSQLite

/// A row read where it stands, for scans of many rows: on SQLite its columns are read off the
/// stepped statement when asked for, with no array of values built per row (a month's report
/// reads 100,000 rows of 18 columns). It cannot be copied, so it cannot outlive the call that
/// hands it over: nothing reads it after the statement moved on. Other backends hand over a
/// row they already read.
public struct SQLRowView: ~Copyable {
    private let statement: OpaquePointer?
    private let row: SQLRow?

    init(statement: OpaquePointer) {
        self.statement = statement
        self.row = nil
    }

    init(row: SQLRow) {
        self.statement = nil
        self.row = row
    }

    public func value(_ index: Int) -> SQLValue {
        if let statement { return GRDBExecutor.column(statement, Int32(index)) }
        return row?.values[index] ?? .null
    }

    /// Text column `index` as UTF-8 bytes handed to `body`, nil for NULL (other types as their
    /// text). On SQLite the bytes are SQLite's own, valid only inside `body`: a caller that maps a
    /// few distinct texts to ids compares them without building a `String` per row.
    public func withText<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        if let statement {
            let i = Int32(index)
            guard sqlite3_column_type(statement, i) != SQLITE_NULL else { return nil }
            // Text first, then its length: the documented order (the length is of the text form).
            guard let text = sqlite3_column_text(statement, i) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
            return body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, i))))
        }
        guard var text: String = self[index] else { return nil }
        return text.withUTF8(body)
    }

    public subscript<T: SQLDecodable>(_ index: Int) -> T? {
        let v = value(index)
        if case .null = v { return nil }
        return T.decode(v)
    }

    public subscript<T: SQLDecodable>(_ index: Int) -> T {
        let v = value(index)
        guard let decoded = T.decode(v) else { fatalError("column \(index) holds \(v), not \(T.self)") }
        return decoded
    }
}

extension SQLExecutor {
    /// Backends without a view of their own read each row first.
    public func scan(_ sql: String, _ arguments: SQLArguments, _ body: (borrowing SQLRowView) throws -> Void) throws {
        try query(sql, arguments) { row in
            try body(SQLRowView(row: row))
            return true
        }
    }
}

extension SQLDB {
    /// Streams the rows of a large read as views: the cheapest way through many rows, for code
    /// that reads columns by position and keeps none of the rows.
    public func scan(_ sql: String, _ arguments: SQLArguments = [], _ body: (borrowing SQLRowView) throws -> Void) throws {
        try executor.scan(sql, arguments, body)
    }
}
