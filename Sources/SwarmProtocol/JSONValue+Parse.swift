import Foundation

extension JSONValue {
    /// Parses JSON text (RFC 8259) into a value, directly from its UTF-8 bytes. `JSONDecoder`
    /// can only build a `JSONValue` by trying each type in turn, and every failed try throws:
    /// decoding a case brief's reply of 100 entries that way took ~14 ms on the client, ten
    /// times the server's work. Numbers become `Double`, as `init(from:)` makes them.
    public static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.at == bytes.count else { throw parser.failure("text after the value") }
            return value
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "JSON: \(reason) at byte \(offset)" }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0
        /// Deeper than any frame the server sends; bounds the recursion on hostile input.
        static let maxDepth = 512

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func failure(_ reason: String) -> ParseError { ParseError(offset: at, reason: reason) }

        var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

        mutating func skipSpace() {
            while let b = peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { at += 1 }
        }

        mutating func expect(_ literal: StaticString, _ value: JSONValue) throws -> JSONValue {
            let count = literal.utf8CodeUnitCount
            guard at + count <= bytes.count,
                  UnsafeBufferPointer(start: literal.utf8Start, count: count).elementsEqual(bytes[at..<at + count]) else {
                throw failure("unexpected token")
            }
            at += count
            return value
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < Self.maxDepth else { throw failure("nested too deeply") }
            switch peek {
            case UInt8(ascii: "{")?: return try object(depth: depth)
            case UInt8(ascii: "[")?: return try array(depth: depth)
            case UInt8(ascii: "\"")?: return .string(try string())
            case UInt8(ascii: "t")?: return try expect("true", .bool(true))
            case UInt8(ascii: "f")?: return try expect("false", .bool(false))
            case UInt8(ascii: "n")?: return try expect("null", .null)
            case let b? where b == UInt8(ascii: "-") || (b >= 0x30 && b <= 0x39): return .number(try number())
            default: throw failure("expected a value")
            }
        }

        mutating func object(depth: Int) throws -> JSONValue {
            at += 1
            var out: [String: JSONValue] = [:]
            skipSpace()
            if peek == UInt8(ascii: "}") { at += 1; return .object(out) }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw failure("expected a key") }
                let key = try string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw failure("expected ':'") }
                at += 1
                skipSpace()
                let v = try value(depth: depth + 1)
                // A repeated key keeps its first value, as `JSONDecoder` does.
                if out[key] == nil { out[key] = v }
                skipSpace()
                switch peek {
                case UInt8(ascii: ",")?: at += 1
                case UInt8(ascii: "}")?: at += 1; return .object(out)
                default: throw failure("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            at += 1
            var out: [JSONValue] = []
            skipSpace()
            if peek == UInt8(ascii: "]") { at += 1; return .array(out) }
            while true {
                skipSpace()
                out.append(try value(depth: depth + 1))
                skipSpace()
                switch peek {
                case UInt8(ascii: ",")?: at += 1
                case UInt8(ascii: "]")?: at += 1; return .array(out)
                default: throw failure("expected ',' or ']'")
                }
            }
        }

        mutating func string() throws -> String {
            at += 1
            let start = at
            // The common case, no escapes: the bytes as they are (validated as UTF-8 by String).
            while let b = peek, b != UInt8(ascii: "\""), b != UInt8(ascii: "\\") {
                guard b >= 0x20 else { throw failure("control character in a string") }
                at += 1
            }
            guard let end = peek else { throw failure("unterminated string") }
            if end == UInt8(ascii: "\"") {
                at += 1
                return try validUTF8(bytes[start..<at - 1])
            }
            var out = Array(bytes[start..<at])
            while true {
                guard let b = peek else { throw failure("unterminated string") }
                at += 1
                switch b {
                case UInt8(ascii: "\""):
                    return try validUTF8(out[...])
                case UInt8(ascii: "\\"):
                    guard let e = peek else { throw failure("unterminated escape") }
                    at += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                    default: throw failure("unknown escape")
                    }
                default:
                    guard b >= 0x20 else { throw failure("control character in a string") }
                    out.append(b)
                }
            }
        }

        /// `\uXXXX` (the `\u` read), a surrogate pair as one character, as UTF-8.
        mutating func unicodeEscape() throws -> [UInt8] {
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                    throw failure("lone surrogate")
                }
                at += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("lone surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw failure("lone surrogate")
            }
            guard let u = Unicode.Scalar(scalar) else { throw failure("bad code point") }
            return Array(String(Character(u)).utf8)
        }

        mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw failure("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[at]
                let digit: UInt8
                switch b {
                case 0x30...0x39: digit = b - 0x30
                case 0x41...0x46: digit = b - 0x41 + 10
                case 0x61...0x66: digit = b - 0x61 + 10
                default: throw failure("bad \\u escape")
                }
                v = v << 4 | UInt32(digit)
                at += 1
            }
            return v
        }

        func validUTF8<C: Collection<UInt8>>(_ c: C) throws -> String {
            guard let s = String(validating: c, as: UTF8.self) else { throw failure("invalid UTF-8") }
            return s
        }

        /// A number as RFC 8259 spells it, read by `Double`'s own parser.
        mutating func number() throws -> Double {
            let start = at
            if peek == UInt8(ascii: "-") { at += 1 }
            guard let first = peek, first >= 0x30, first <= 0x39 else { throw failure("bad number") }
            at += 1
            if first != 0x30 { while let b = peek, b >= 0x30, b <= 0x39 { at += 1 } }
            if peek == UInt8(ascii: ".") {
                at += 1
                guard let b = peek, b >= 0x30, b <= 0x39 else { throw failure("bad number") }
                while let b = peek, b >= 0x30, b <= 0x39 { at += 1 }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                at += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { at += 1 }
                guard let b = peek, b >= 0x30, b <= 0x39 else { throw failure("bad number") }
                while let b = peek, b >= 0x30, b <= 0x39 { at += 1 }
            }
            // Too large for a Double (1e400) is refused, as `JSONDecoder` refuses it.
            guard let d = Double(String(decoding: bytes[start..<at], as: UTF8.self)), d.isFinite else { throw failure("bad number") }
            return d
        }
    }
}

extension ServerFrame {
    /// The frame from JSON text, parsed by `JSONValue.parse` (what `JSONDecoder` would give,
    /// without its cost for the loosely typed `data`).
    public init(parsing text: String) throws {
        guard case .object(let o) = try JSONValue.parse(text) else {
            throw JSONValue.ParseError(offset: 0, reason: "a frame is an object")
        }
        func field<T>(_ key: String, _ read: (JSONValue) -> T?) throws -> T? {
            guard let v = o[key], v != .null else { return nil }
            guard let t = read(v) else { throw JSONValue.ParseError(offset: 0, reason: "\(key) has the wrong type") }
            return t
        }
        self.init(re: try field("re", \.string), ok: try field("ok", \.bool), data: o["data"].flatMap { $0 == .null ? nil : $0 },
                  error: try o["error"].flatMap { $0 == .null ? nil : try $0.decode(SwarmError.self) },
                  ev: try field("ev", \.string), seq: try field("seq", \.int))
    }
}
