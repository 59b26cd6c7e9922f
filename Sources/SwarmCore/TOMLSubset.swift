/// Reads the subset of TOML v1.0.0 that `config/swarmd.toml` needs, written by hand instead of
/// depending on a full parser (README, "Configuration file", has the measurements behind that choice).
///
/// Supported, with TOML's own rules: `#` comments; bare keys (`A-Za-z0-9_-`); `[table]` headers,
/// dotted (`[sla.policy.vip]`), with implicit super-tables; basic strings with every TOML escape;
/// literal strings; integers (decimal with `_`, `0x`/`0o`/`0b`, 64-bit, overflow is an error);
/// floats (fraction, exponent, `inf`, `nan`); booleans; arrays of strings, on one line or several.
/// A key or table defined twice, or a key used as a table, is an error.
///
/// Not supported, and rejected with the line that uses them (never read as something else):
/// quoted keys, dotted keys, multi-line strings, inline tables, arrays of tables, dates and times,
/// arrays of anything but strings. `TOMLSpecTests` checks both lists against the spec's examples.
public enum TOMLSubset {
    public enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case double(Double)
        case bool(Bool)
        case strings([String])
    }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Keys are returned as `table.key` (`sla.policy.vip.tier`); keys before any header have no prefix.
    public static func parse(_ text: String) throws -> [String: Value] {
        var parser = TOMLSubsetParser(text)
        return try parser.document()
    }
}

/// One pass over the document's Unicode scalars (so `\r\n` is two scalars, not one Character),
/// counting lines for the errors.
struct TOMLSubsetParser {
    let text: [Unicode.Scalar]
    var index = 0
    var line = 1
    /// Where each key and explicit `[table]` was defined, for "already defined on line N".
    var values: [String: (value: TOMLSubset.Value, line: Int)] = [:]
    var explicitTables: [String: Int] = [:]
    /// Super-tables a header created without naming them (`[a.b]` creates `a`); `[a]` may still follow.
    var implicitTables: Set<String> = []
    var table: [String] = []

    init(_ source: String) { text = Array(source.unicodeScalars) }

    var peek: Unicode.Scalar? { index < text.count ? text[index] : nil }
    func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < text.count ? text[index + offset] : nil }

    func fail(_ reason: String) -> TOMLSubset.ParseError { TOMLSubset.ParseError(line: line, reason: reason) }

    mutating func document() throws -> [String: TOMLSubset.Value] {
        if peek == "\u{FEFF}" { index += 1 }
        while true {
            skipSpaces()
            guard let c = peek else { break }
            switch c {
            case "\n", "\r", "#": try endOfLine(after: "")
            case "[": try header()
            default: try keyValue()
            }
        }
        return values.mapValues(\.value)
    }

    mutating func skipSpaces() {
        while let c = peek, c == " " || c == "\t" { index += 1 }
    }

    /// After a header or a value only a comment may follow on the line (TOML: "There must be a
    /// newline (or EOF) after a key/value pair").
    mutating func endOfLine(after what: String) throws {
        skipSpaces()
        if peek == "#" { try skipComment() }
        switch peek {
        case nil: return
        case "\n": index += 1; line += 1
        case "\r" where peek(1) == "\n": index += 2; line += 1
        case "\r": throw fail("carriage return without a line feed")
        default: throw fail(what.isEmpty ? "unexpected text" : "unexpected text after \(what)")
        }
    }

    mutating func skipComment() throws {
        while let c = peek, c != "\n" {
            if c == "\r" && peek(1) == "\n" { break }
            if Self.isForbiddenControl(c) { throw fail("control character U+\(Self.hex(c)) in a comment") }
            index += 1
        }
    }

    /// TOML forbids U+0000–U+0008, U+000A–U+001F and U+007F in comments and single-line strings
    /// (tab is allowed; the caller handles the line feed).
    static func isForbiddenControl(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\t") || c.value == 0x7F
    }

    static func hex(_ c: Unicode.Scalar) -> String {
        let digits = String(c.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func isBareKeyChar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    /// A bare key; quoted keys are outside the subset.
    mutating func bareKey(in context: String) throws -> String {
        if peek == "\"" || peek == "'" { throw fail("quoted keys are not supported in \(context); use a bare key (A-Za-z0-9_-)") }
        let start = index
        while let c = peek, Self.isBareKeyChar(c) { index += 1 }
        guard index > start else {
            if let c = peek, c != "=", c != "\n", c != "]", c != ".", !Self.isForbiddenControl(c) {
                throw fail("bad character '\(Character(c))' in \(context) (bare keys are A-Za-z0-9_-)")
            }
            throw fail("missing key name in \(context)")
        }
        return String(String.UnicodeScalarView(text[start..<index]))
    }

    /// `[a.b.c]`, with spaces allowed around the parts as TOML allows.
    mutating func header() throws {
        if peek(1) == "[" { throw fail("arrays of tables ([[…]]) are not supported") }
        let headerLine = line
        index += 1
        var path: [String] = []
        while true {
            skipSpaces()
            path.append(try bareKey(in: "a table header"))
            skipSpaces()
            if peek == "." { index += 1; continue }
            guard peek == "]" else { throw fail("expected ] to close the table header") }
            index += 1
            break
        }
        let name = path.joined(separator: ".")
        if let earlier = explicitTables[name] { throw fail("table [\(name)] is already defined on line \(earlier)") }
        for end in 1...path.count {
            let prefix = path[..<end].joined(separator: ".")
            if let earlier = values[prefix] { throw fail("\(prefix) is a value (line \(earlier.line)), it cannot be a table") }
        }
        explicitTables[name] = headerLine
        for end in 1..<path.count { implicitTables.insert(path[..<end].joined(separator: ".")) }
        table = path
        try endOfLine(after: "the table header [\(name)]")
    }

    mutating func keyValue() throws {
        let key = try bareKey(in: "a key")
        skipSpaces()
        if peek == "." { throw fail("dotted keys (\(key).…) are not supported; write a [table] header instead") }
        guard peek == "=" else { throw fail("expected = after \(key)") }
        index += 1
        skipSpaces()
        let full = (table + [key]).joined(separator: ".")
        let keyLine = line
        let value = try self.value(for: full)
        if let earlier = values[full] { throw TOMLSubset.ParseError(line: keyLine, reason: "\(full) is already defined on line \(earlier.line)") }
        if explicitTables[full] != nil || implicitTables.contains(full) {
            throw TOMLSubset.ParseError(line: keyLine, reason: "\(full) is already a table")
        }
        values[full] = (value, keyLine)
        try endOfLine(after: "the value of \(full) (one key = value per line)")
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
