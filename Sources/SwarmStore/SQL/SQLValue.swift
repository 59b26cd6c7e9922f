import Foundation

/// One value crossing the store's SQL seam, in either direction. Both backends reduce their column
/// types to these five, so the store's code reads a row the same way on SQLite and PostgreSQL.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift value the store binds as a statement argument.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

/// A Swift value the store reads out of a column. Conversions are lenient where the backends differ
/// (PostgreSQL's `SUM` of integers is numeric, SQLite's booleans are integers) and strict otherwise.
public protocol SQLDecodable {
    static func decode(_ value: SQLValue) -> Self?
}

extension Int64: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .int(self) }
    public static func decode(_ value: SQLValue) -> Int64? {
        switch value {
        case .int(let v): return v
        case .double(let d): return d.isFinite ? Int64(d) : nil
        case .text(let s): return Int64(s)
        default: return nil
        }
    }
}

extension Int: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .int(Int64(self)) }
    public static func decode(_ value: SQLValue) -> Int? { Int64.decode(value).map { Int($0) } }
}

extension Double: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .double(self) }
    public static func decode(_ value: SQLValue) -> Double? {
        switch value {
        case .int(let v): return Double(v)
        case .double(let d): return d
        case .text(let s): return Double(s)
        default: return nil
        }
    }
}

extension Bool: SQLBindable, SQLDecodable {
    /// Stored as 0/1 on both backends (the schemas use integer columns), so comparisons like
    /// `public = 1` read the same everywhere.
    public var sqlValue: SQLValue { .int(self ? 1 : 0) }
    public static func decode(_ value: SQLValue) -> Bool? {
        switch value {
        case .int(let v): return v != 0
        case .double(let d): return d != 0
        case .text(let s): return s == "t" || s == "true" || s == "1"
        default: return nil
        }
    }
}

extension String: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .text(self) }
    public static func decode(_ value: SQLValue) -> String? {
        switch value {
        case .text(let s): return s
        case .int(let v): return String(v)
        case .double(let d): return String(d)
        case .blob(let b): return String(decoding: b, as: UTF8.self)
        case .null: return nil
        }
    }
}

extension Data: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .blob([UInt8](self)) }
    public static func decode(_ value: SQLValue) -> Data? {
        switch value {
        case .blob(let b): return Data(b)
        case .text(let s): return Data(s.utf8)
        default: return nil
        }
    }
}

extension SQLValue: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { self }
    public static func decode(_ value: SQLValue) -> SQLValue? { value }
}

/// The arguments of one statement, in placeholder order (`?` on both backends; the PostgreSQL
/// executor numbers them).
public struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    public var values: [SQLValue]

    public init(arrayLiteral elements: (any SQLBindable)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    public init(_ elements: [(any SQLBindable)?]) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    public init(_ elements: [any SQLBindable]) {
        values = elements.map(\.sqlValue)
    }

    public init(values: [SQLValue]) {
        self.values = values
    }

    public static func += (lhs: inout SQLArguments, rhs: SQLArguments) {
        lhs.values += rhs.values
    }

    public static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments {
        SQLArguments(values: lhs.values + rhs.values)
    }
}
