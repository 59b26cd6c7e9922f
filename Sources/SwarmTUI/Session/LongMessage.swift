/// A line longer than the server takes in one message (PROTOCOL §message.post: at most 16000
/// characters) is sent as consecutive messages instead of being refused and lost. Parts break after
/// a newline or a space where one is near the limit, and joined again they are the text as typed.
public enum LongMessage {
    public static let maxCharacters = 16_000

    public static func parts(_ body: String, limit: Int = maxCharacters) -> [String] {
        guard body.count > limit else { return [body] }
        var parts: [String] = []
        var rest = Substring(body)
        while rest.count > limit {
            let window = rest.prefix(limit)
            // Prefer a line break, then a space, in the last quarter of the window.
            let floor = window.index(window.startIndex, offsetBy: limit * 3 / 4)
            let cut = window[floor...].lastIndex(of: "\n") ?? window[floor...].lastIndex(of: " ")
            let end = cut.map { window.index(after: $0) } ?? window.endIndex
            let part = rest[..<end]
            if part.allSatisfy(\.isWhitespace), let last = parts.popLast() {
                parts.append(last + part)   // the server refuses a blank message
            } else {
                parts.append(String(part))
            }
            rest = rest[end...]
        }
        if !rest.isEmpty {
            if rest.allSatisfy(\.isWhitespace), let last = parts.popLast() { parts.append(last + rest) } else { parts.append(String(rest)) }
        }
        return parts
    }
}
