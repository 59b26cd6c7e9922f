import SwarmProtocol

/// Reads the request frames that come at volume without `JSONDecoder`: a JSON object whose
/// members are `id` and `op` (strings) and an optional `data` that is null or an object of string
/// or null members. That covers a `message.post` as every client sends it.
///
/// Why: `JSONDecoder` was 9 % of the server's CPU under a load of acknowledged posts (~14 µs of
/// ~150 µs per post, `Benchmarks/acked-ab.sh` with `perf`), for a frame of four short strings.
///
/// It only ever answers what `JSONDecoder` would: it accepts a strict subset of JSON (no numbers,
/// booleans, arrays or nesting below `data`, no member named twice, no other member names, no lone
/// surrogate escape, no raw control character) and gives up on anything else, returning nil, and
/// the caller decodes the frame as before. A post whose data would be refused (a missing body, a
/// member the request does not have) is left to the decoder too, so its refusal reads the same.
/// It reads each byte once: frames are read before `hello`, so no shape of one may cost more than
/// its length (a `data` of thousands of members is one pass, each name matched against four).
/// `FlatRequestScanTests` checks it against the decoder on frames made to break it.
enum FlatRequestScan {
    struct Scanned {
        var envelope: RequestEnvelope
        /// The post's data, for `message.post` (nil for other ops).
        var post: MessagePostRequest?
    }

    /// The frame's envelope and post, or nil: not of the shape above, or not valid JSON.
    static func scan(_ text: String) -> Scanned? {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = ByteScanner(bytes: bytes)
            return scanner.request()
        }
    }
}

/// A `data` object's members as a post reads them: the four it has, and whether any other member,
/// or one of these twice, was there (the decoder keeps the first of two; either way the decoder
/// reads that post).
private struct PostMembers {
    var channel: String?, body: String?, thread: String?, key: String?
    var seen: UInt8 = 0
    var otherOrTwice = false

    mutating func set(_ name: String, _ value: String?) {
        let bit: UInt8
        switch name {
        case "channel": bit = 1; channel = value
        case "body": bit = 2; body = value
        case "thread": bit = 4; thread = value
        case "idempotency_key": bit = 8; key = value
        default: otherOrTwice = true; return
        }
        if seen & bit != 0 { otherOrTwice = true }
        seen |= bit
    }

    /// The post as `MessagePostRequest` decodes it, or nil where the decoder would refuse it or
    /// might read it otherwise (a required member null or missing, another member, a repeat).
    var post: MessagePostRequest? {
        guard !otherOrTwice, let channel, let body else { return nil }
        return MessagePostRequest(channel: channel, body: body, thread: thread, idempotencyKey: key)
    }
}

/// The scanner over a frame's UTF-8 (valid UTF-8: it comes from a `String`).
private struct ByteScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    mutating func request() -> FlatRequestScan.Scanned? {
        var id: String?, op: String?
        var data: PostMembers?
        var sawData = false
        let complete = members { scanner, name in
            switch name {
            case "id":
                guard id == nil, let value = scanner.string() else { return false }
                id = value
            case "op":
                guard op == nil, let value = scanner.string() else { return false }
                op = value
            case "data":
                guard !sawData else { return false }
                sawData = true
                if scanner.literalNull() { return true }
                guard let object = scanner.postMembers() else { return false }
                data = object
            default:
                return false
            }
            return true
        }
        guard complete, atEnd(), let id, let op else { return nil }
        let envelope = RequestEnvelope(id: id, op: op)
        guard op == Op.messagePost.rawValue else { return .init(envelope: envelope, post: nil) }
        guard let post = data?.post else { return nil }
        return .init(envelope: envelope, post: post)
    }

    /// `{ "name": value, … }`, each value read by `value` from the scanner, at the value's first
    /// byte (false: give up); true when the object closed properly.
    private mutating func members(_ value: (inout ByteScanner, String) -> Bool) -> Bool {
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let name = string() else { return false }
            skipWhitespace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard value(&self, name) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// An object of string or null members, kept as a post's data would be read.
    fileprivate mutating func postMembers() -> PostMembers? {
        var post = PostMembers()
        let complete = members { scanner, name in
            if scanner.literalNull() {
                post.set(name, nil)
                return true
            }
            guard let value = scanner.string() else { return false }
            post.set(name, value)
            return true
        }
        return complete ? post : nil
    }

    fileprivate mutating func literalNull() -> Bool {
        guard bytes.count - at >= 4, bytes[at] == UInt8(ascii: "n"), bytes[at + 1] == UInt8(ascii: "u"),
              bytes[at + 2] == UInt8(ascii: "l"), bytes[at + 3] == UInt8(ascii: "l") else { return false }
        at += 4
        return true
    }

    /// A JSON string at `at`, unescaped; nil when there is none or it is not valid JSON.
    fileprivate mutating func string() -> String? {
        guard take(Self.quote) else { return nil }
        let start = at
        // Most strings have no escape: one scan, one copy.
        while at < bytes.count {
            let c = bytes[at]
            if c == Self.quote {
                defer { at += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            }
            if c == Self.backslash { break }
            if c < 0x20 { return nil }
            at += 1
        }
        guard at < bytes.count else { return nil }
        var out = Array(bytes[start..<at])
        while at < bytes.count {
            let c = bytes[at]
            at += 1
            if c == Self.quote { return String(decoding: out, as: UTF8.self) }
            if c < 0x20 { return nil }
            guard c == Self.backslash else {
                out.append(c)
                continue
            }
            guard at < bytes.count else { return nil }
            let escape = bytes[at]
            at += 1
            switch escape {
            case Self.quote, Self.backslash, UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard let scalar = unicodeEscape() else { return nil }
                UTF8.encode(scalar) { out.append($0) }
            default: return nil
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (after the `u`), a surrogate pair taking the next `\uXXXX` too;
    /// nil for a lone surrogate (left to the decoder).
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let unit = hex4() else { return nil }
        switch unit {
        case 0xD800...0xDBFF:
            guard bytes.count - at >= 6, bytes[at] == Self.backslash, bytes[at + 1] == UInt8(ascii: "u") else { return nil }
            at += 2
            guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00...0xDFFF:
            return nil
        default:
            return Unicode.Scalar(unit)
        }
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - at >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            at += 1
        }
        return value
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    private mutating func skipWhitespace() {
        while at < bytes.count {
            switch bytes[at] {
            case 0x20, 0x09, 0x0A, 0x0D: at += 1
            default: return
            }
        }
    }

    private mutating func atEnd() -> Bool {
        skipWhitespace()
        return at == bytes.count
    }
}
