import Foundation

/// The column names of one result, shared by all its rows.
public final class SQLColumns: Sendable {
    public let names: [String]
    private let lowered: [String]

    public init(_ names: [String]) {
        self.names = names
        // Built per query: no new strings when the names are lowercase already (the store's are).
        let hasUpper = names.contains { $0.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } }
        self.lowered = hasUpper ? names.map { $0.lowercased() } : names
    }

    /// Column lookup is by name, case-insensitive like SQL; results have few columns, so a scan
    /// beats hashing.
    public func index(of name: String) -> Int? {
        if let i = names.firstIndex(of: name) { return i }
        let l = name.lowercased()
        return lowered.firstIndex(of: l)
    }
}

/// One result row. Reading a column that is missing, NULL or of another type as a non-optional
/// value is a programming error (as in GRDB, whose `Row` this replaces), so it traps with the
/// column's name; read an optional where NULL is possible.
public struct SQLRow: Sendable {
    public let columns: SQLColumns
    public let values: [SQLValue]

    public init(columns: SQLColumns, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public func value(_ name: String) -> SQLValue {
        guard let i = columns.index(of: name) else { return .null }
        return values[i]
    }

    public func hasColumn(_ name: String) -> Bool { columns.index(of: name) != nil }

    public subscript<T: SQLDecodable>(_ name: String) -> T {
        guard let i = columns.index(of: name) else { fatalError("no column \(name) in \(columns.names)") }
        guard let v = T.decode(values[i]) else { fatalError("column \(name) holds \(values[i]), not \(T.self)") }
        return v
    }

    public subscript<T: SQLDecodable>(_ name: String) -> T? {
        guard let i = columns.index(of: name) else { return nil }
        if case .null = values[i] { return nil }
        return T.decode(values[i])
    }

    public subscript<T: SQLDecodable>(_ index: Int) -> T {
        guard let v = T.decode(values[index]) else { fatalError("column \(index) holds \(values[index]), not \(T.self)") }
        return v
    }

    public subscript<T: SQLDecodable>(_ index: Int) -> T? {
        if case .null = values[index] { return nil }
        return T.decode(values[index])
    }

    /// A bound argument made from a column, for passing a read value straight back to a statement.
    public subscript(_ name: String) -> SQLValue {
        value(name)
    }
}
