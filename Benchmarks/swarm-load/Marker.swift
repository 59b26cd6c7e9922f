/// The message bodies the tool posts carry their send time as `~t<nanos>~`. Receivers find it in
/// the raw frame text with a byte scan instead of decoding the JSON.
enum Marker {
    /// Every `message.new` event frame starts like this (the hub builds frames by concatenation).
    static let eventPrefix: [UInt8] = Array(#"{"ev":"message.new""#.utf8)

    static func body(sentNanos: Int64, sender: Int, number: Int, bytes: Int) -> String {
        let head = "swarm-load ~t\(sentNanos)~ s\(sender) n\(number) "
        guard head.utf8.count < bytes else { return head }
        return head + String(repeating: "x", count: bytes - head.utf8.count)
    }

    /// The send time in a `message.new` frame posted by this tool, or nil for any other frame.
    static func sentNanos(in text: String) -> Int64? {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    static func scan(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        let p = eventPrefix
        guard b.count > p.count else { return nil }
        for i in 0..<p.count where b[i] != p[i] { return nil }
        var i = p.count
        let tilde = UInt8(ascii: "~"), t = UInt8(ascii: "t"), zero = UInt8(ascii: "0")
        while i + 2 < b.count {
            if b[i] == tilde && b[i + 1] == t {
                var j = i + 2
                var value: Int64 = 0
                var digits = 0
                while j < b.count, b[j] >= zero, b[j] <= zero + 9, digits < 19 {
                    value = value * 10 + Int64(b[j] - zero)
                    j += 1
                    digits += 1
                }
                if digits > 0, j < b.count, b[j] == tilde { return value }
            }
            i += 1
        }
        return nil
    }
}
