/// Reads the subset of TOML that `config/swarmd.toml` uses: `[section]` headers, `key = value`
/// lines with strings, integers, floats, booleans and arrays of strings, and `#` comments.
/// Anything else is an error with its line number, so a typo is never silently ignored.
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

    /// Keys are returned as `section.key`.
    public static func parse(_ text: String) throws -> [String: Value] {
        var result: [String: Value] = [:]
        var section = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = stripComment(String(rawLine)).trimmingCharacters(in: " \t\r")
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else { throw ParseError(line: lineNumber, reason: "bad section header") }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: " \t")
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw ParseError(line: lineNumber, reason: "expected key = value") }
            let key = line[..<eq].trimmingCharacters(in: " \t")
            let rawValue = line[line.index(after: eq)...].trimmingCharacters(in: " \t")
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw ParseError(line: lineNumber, reason: "bad key")
            }
            guard let value = parseValue(rawValue) else { throw ParseError(line: lineNumber, reason: "bad value for \(key)") }
            result[section.isEmpty ? key : "\(section).\(key)"] = value
        }
        return result
    }

    static func parseValue(_ raw: String) -> Value? {
        if raw == "true" { return .bool(true) }
        if raw == "false" { return .bool(false) }
        if let s = parseString(raw) { return .string(s) }
        if raw.hasPrefix("["), raw.hasSuffix("]") {
            let inner = raw.dropFirst().dropLast().trimmingCharacters(in: " \t")
            if inner.isEmpty { return .strings([]) }
            var items: [String] = []
            for part in inner.split(separator: ",") {
                let trimmed = part.trimmingCharacters(in: " \t")
                if trimmed.isEmpty { continue }
                guard let s = parseString(trimmed) else { return nil }
                items.append(s)
            }
            return .strings(items)
        }
        let digits = raw.replacingOccurrences(of: "_", with: "")
        if let i = Int(digits) { return .integer(i) }
        if let d = Double(digits) { return .double(d) }
        return nil
    }

    static func parseString(_ raw: String) -> String? {
        guard raw.count >= 2, let q = raw.first, q == "\"" || q == "'", raw.last == q else { return nil }
        let inner = String(raw.dropFirst().dropLast())
        if q == "'" { return inner }
        var out = ""
        var escaping = false
        for ch in inner {
            if escaping {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\\": out.append("\\")
                case "\"": out.append("\"")
                default: return nil
                }
                escaping = false
            } else if ch == "\\" {
                escaping = true
            } else if ch == "\"" {
                return nil
            } else {
                out.append(ch)
            }
        }
        return escaping ? nil : out
    }

    /// Drops a `#` comment that is not inside a string.
    static func stripComment(_ line: String) -> String {
        var quote: Character?
        var result = ""
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "\"" || ch == "'" {
                quote = ch
            } else if ch == "#" {
                break
            }
            result.append(ch)
        }
        return result
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
