/// Hyperlinks in message text: web addresses, and the keys of tickets linked to a case this client
/// has seen (`JIRA-42` → its URL). Found as character ranges so a wrapped line can be cut into
/// linked and plain spans; the escape sequences themselves are added by `ANSI` and take no cells.
enum Links {
    typealias Found = (range: Range<Int>, url: String)

    /// Punctuation that ends a sentence rather than an address: `see https://x.io/a.` links `…/a`.
    static let trailing: Set<Character> = [".", ",", ";", ":", "!", "?", ")", "]", "}", ">", "'", "\"", "*"]
    static let leading: Set<Character> = ["(", "[", "{", "<", "'", "\"", "*"]

    static func find(_ text: String, tickets: [String: String]) -> [Found] {
        // Most text holds neither: no per-character walk for it (the output pane's 500 lines are
        // checked on every redraw; a byte scan, not Foundation's substring search: tui-bench).
        guard !tickets.isEmpty || mayHoldAddress(text) else { return [] }
        var out: [Found] = []
        var offset = 0
        var word: [Character] = []
        func flush() {
            defer { offset += word.count; word = [] }
            var lo = 0, hi = word.count
            while lo < hi, leading.contains(word[lo]) { lo += 1 }
            while hi > lo, trailing.contains(word[hi - 1]) { hi -= 1 }
            guard lo < hi else { return }
            let token = String(word[lo..<hi])
            if token.hasPrefix("https://") || token.hasPrefix("http://"), token.count > 8 {
                out.append((offset + lo..<offset + hi, token))
            } else if let url = tickets[token] {
                out.append((offset + lo..<offset + hi, url))
            }
        }
        for c in text {
            if c.isWhitespace {
                flush()
                offset += 1
            } else {
                word.append(c)
            }
        }
        flush()
        return out
    }

    /// Whether `text` has a "://" in it.
    static func mayHoldAddress(_ text: String) -> Bool {
        var (before, last): (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            if byte == 0x2F, last == 0x2F, before == 0x3A { return true }
            (before, last) = (last, byte)
        }
        return false
    }

    /// Where each wrapped line starts in `text` (in characters): `TextWidth.wrap` keeps every
    /// character but the space or line break it broke at. nil from the first line that cannot be
    /// placed (then that line and the rest are drawn without links).
    static func starts(of lines: [String], in text: [Character]) -> [Int?] {
        var cursor = 0
        var out: [Int?] = []
        var lost = false
        for line in lines {
            let chars = Array(line)
            var at = cursor
            // Past the space(s) or line break the wrap broke at.
            while !lost, !matches(chars, text, at: at), at < text.count, text[at] == " " || text[at] == "\n" { at += 1 }
            guard !lost, matches(chars, text, at: at) else {
                lost = true
                out.append(nil)
                continue
            }
            out.append(at)
            cursor = at + chars.count
        }
        return out
    }

    private static func matches(_ line: [Character], _ text: [Character], at i: Int) -> Bool {
        guard i + line.count <= text.count else { return false }
        return text[i..<(i + line.count)].elementsEqual(line)
    }

    /// `line` (starting at character `start` of the text) as spans in `style`, the parts inside a
    /// link carrying its target.
    static func spans(_ line: String, start: Int?, links: [Found], style: Screen.Style) -> [Screen.Span] {
        guard let start, !links.isEmpty else { return [.init(line, style)] }
        let chars = Array(line)
        var spans: [Screen.Span] = []
        var i = 0
        while i < chars.count {
            let at = start + i
            if let link = links.first(where: { $0.range.contains(at) }) {
                let end = min(chars.count, link.range.upperBound - start)
                spans.append(.init(String(chars[i..<end]), style, link: link.url))
                i = end
            } else {
                let next = links.map(\.range.lowerBound).filter { $0 > at }.min().map { min(chars.count, $0 - start) } ?? chars.count
                spans.append(.init(String(chars[i..<next]), style))
                i = next
            }
        }
        return spans
    }
}
