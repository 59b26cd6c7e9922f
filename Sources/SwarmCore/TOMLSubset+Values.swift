/// Values: strings, arrays of strings, booleans and numbers, each checked against TOML v1.0.0's
/// grammar rather than handed to `Int(_:)`/`Double(_:)`, which accept things TOML does not
/// (`Double("0x1p3")`, `Double(".7")`, `Int("007")`) and would silently misread them.
extension TOMLSubsetParser {
    mutating func value(for key: String) throws -> TOMLSubset.Value {
        guard let c = peek, c != "\n", c != "\r", c != "#" else { throw fail("missing value for \(key)") }
        switch c {
        case "\"", "'": return .string(try string(for: key))
        case "[": return .strings(try stringArray(for: key))
        case "{": throw fail("inline tables ({…}) are not supported (\(key)); write a [table] header instead")
        default: return try scalar(for: key)
        }
    }

    /// A basic ("…", with escapes) or literal ('…', as written) string on one line.
    mutating func string(for key: String) throws -> String {
        guard let quote = peek else { throw fail("missing value for \(key)") }
        if peek(1) == quote && peek(2) == quote { throw fail("multi-line strings (\(quote)\(quote)\(quote)) are not supported (\(key))") }
        index += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek, c != "\n" else { throw fail("unterminated string (\(key))") }
            index += 1
            if c == quote { return String(out) }
            if c == "\\" && quote == "\"" { out.append(try escape(for: key)); continue }
            if Self.isForbiddenControl(c) { throw fail("control character U+\(Self.hex(c)) in the string (\(key)); escape it") }
            out.append(c)
        }
    }

    mutating func escape(for key: String) throws -> Unicode.Scalar {
        guard let c = peek, c != "\n" else { throw fail("unterminated string (\(key))") }
        index += 1
        switch c {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = c == "u" ? 4 : 8
            var code: UInt32 = 0
            for _ in 0..<count {
                guard let d = peek, let digit = Self.digitValue(d), digit < 16 else {
                    throw fail("\\\(c) needs \(count) hex digits (\(key))")
                }
                code = code * 16 + UInt32(digit)
                index += 1
            }
            guard let scalar = Unicode.Scalar(code) else { throw fail("\\\(c) escape is not a Unicode scalar value (\(key))") }
            return scalar
        default:
            throw fail("unknown escape \\\(Character(c)) in the string (\(key))")
        }
    }

    /// `[ "a", 'b', ]`, on one line or several, with comments between elements.
    mutating func stringArray(for key: String) throws -> [String] {
        let openLine = line
        index += 1
        var items: [String] = []
        while true {
            try skipArrayFiller()
            guard let c = peek else { throw fail("unterminated array (\(key), opened on line \(openLine))") }
            switch c {
            case "]": index += 1; return items
            case "\"", "'": items.append(try string(for: key))
            case "[": throw fail("nested arrays are not supported (\(key)); arrays hold only strings here")
            case "{": throw fail("inline tables ({…}) are not supported (\(key))")
            case ",": throw fail("empty element in the array (\(key))")
            default: throw fail("arrays hold only strings here (\(key))")
            }
            try skipArrayFiller()
            switch peek {
            case nil: throw fail("unterminated array (\(key), opened on line \(openLine))")
            case ",": index += 1
            case "]": index += 1; return items
            default: throw fail("expected , or ] in the array (\(key))")
            }
        }
    }

    /// Spaces, line breaks and comments, which TOML allows anywhere between array elements.
    mutating func skipArrayFiller() throws {
        while let c = peek {
            if c == " " || c == "\t" {
                index += 1
            } else if c == "\n" {
                index += 1; line += 1
            } else if c == "\r" && peek(1) == "\n" {
                index += 2; line += 1
            } else if c == "#" {
                try skipComment()
            } else {
                return
            }
        }
    }

    /// Booleans and numbers; dates and times are recognised only to be refused by name.
    mutating func scalar(for key: String) throws -> TOMLSubset.Value {
        let start = index
        while let c = peek, !" \t\r\n#,]}".unicodeScalars.contains(c) { index += 1 }
        let token = String(String.UnicodeScalarView(text[start..<index]))
        if token == "true" { return .bool(true) }
        if token == "false" { return .bool(false) }
        if Self.looksLikeDateOrTime(token) { throw fail("dates and times are not supported (\(key)); write it as a string") }
        if let number = try number(token, for: key) { return number }
        throw fail(token.isEmpty ? "bad value for \(key)" : "bad value for \(key): \(token)")
    }

    /// `1979-05-27…` or `07:32…`: no TOML number has `-` after four digits or `:` after two.
    static func looksLikeDateOrTime(_ token: String) -> Bool {
        let s = Array(token.unicodeScalars)
        func digits(_ range: Range<Int>) -> Bool { range.upperBound <= s.count && s[range].allSatisfy { ("0"..."9").contains($0) } }
        return (digits(0..<4) && s.count > 4 && s[4] == "-") || (digits(0..<2) && s.count > 2 && s[2] == ":")
    }

    /// An integer or float by TOML's grammar, nil when the token is not a number at all.
    func number(_ token: String, for key: String) throws -> TOMLSubset.Value? {
        switch token {
        case "inf", "+inf": return .double(.infinity)
        case "-inf": return .double(-.infinity)
        case "nan", "+nan", "-nan": return .double(.nan)
        default: break
        }
        for (prefix, radix, name) in [("0x", 16, "hexadecimal"), ("0o", 8, "octal"), ("0b", 2, "binary")] where token.hasPrefix(prefix) {
            guard let digits = Self.digits(token.dropFirst(2), radix: radix) else { throw fail("bad \(name) integer for \(key): \(token)") }
            guard let n = Int(digits, radix: radix) else { throw fail("integer out of the 64-bit range for \(key): \(token)") }
            return .integer(n)
        }
        var rest = Substring(token)
        var sign = ""
        if let first = rest.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            rest = rest.dropFirst()
        }
        let exponentAt = rest.firstIndex { $0 == "e" || $0 == "E" }
        let mantissa = exponentAt.map { rest[..<$0] } ?? rest
        let dot = mantissa.firstIndex(of: ".")
        guard let integer = Self.digits(dot.map { mantissa[..<$0] } ?? mantissa, radix: 10) else { return nil }
        if integer.count > 1 && integer.first == "0" { throw fail("leading zeros are not allowed (\(key): \(token))") }
        if dot == nil && exponentAt == nil {
            guard let n = Int(sign + integer) else { throw fail("integer out of the 64-bit range for \(key): \(token)") }
            return .integer(n)
        }
        var literal = sign + integer
        if let dot {
            guard let fraction = Self.digits(mantissa[mantissa.index(after: dot)...], radix: 10) else { return nil }
            literal += "." + fraction
        }
        if let exponentAt {
            var exponent = rest[rest.index(after: exponentAt)...]
            var exponentSign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                exponentSign = String(first)
                exponent = exponent.dropFirst()
            }
            guard let digits = Self.digits(exponent, radix: 10) else { return nil }
            literal += "e" + exponentSign + digits
        }
        guard let d = Double(literal), d.isFinite else { throw fail("float out of range for \(key): \(token)") }
        return .double(d)
    }

    /// Digits of `radix` with single underscores between them (TOML: "each underscore must be
    /// surrounded by at least one digit"), without the underscores; nil otherwise.
    static func digits(_ s: Substring, radix: Int) -> String? {
        guard let first = s.first, let last = s.last, first != "_", last != "_", !s.contains("__") else { return nil }
        var out = ""
        for ch in s.unicodeScalars where ch != "_" {
            guard let d = digitValue(ch), d < radix else { return nil }
            out.unicodeScalars.append(ch)
        }
        return out
    }

    static func digitValue(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "0"..."9": return Int(c.value - 48)
        case "a"..."f": return Int(c.value - 87)
        case "A"..."F": return Int(c.value - 55)
        default: return nil
        }
    }
}
