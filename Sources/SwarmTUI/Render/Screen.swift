/// A virtual screen: rows of styled text, exactly `width` cells wide. The renderer builds one
/// from the model; `ANSI` turns it into escape sequences; tests read `lines`.
public struct Screen: Equatable, Sendable {
    public struct Style: Equatable, Hashable, Sendable {
        public enum Color: Hashable, Sendable {
            case red, green, yellow, blue, magenta, cyan
            /// One of the 256-colour palette's entries (nick colours: mid-tones readable on dark and light themes).
            case indexed(UInt8)

            /// The SGR parameters that select it as the foreground.
            var sgr: String {
                switch self {
                case .red: "31"
                case .green: "32"
                case .yellow: "33"
                case .blue: "34"
                case .magenta: "35"
                case .cyan: "36"
                case .indexed(let n): "38;5;\(n)"
                }
            }
        }
        public var color: Color?
        public var bold = false
        public var dim = false
        public var reverse = false

        public static let plain = Style()
        public static func fg(_ c: Color, bold: Bool = false) -> Style { Style(color: c, bold: bold) }
        public static let dimmed = Style(dim: true)
        public static let inverted = Style(reverse: true)
        public static let strong = Style(bold: true)
    }

    public struct Span: Equatable, Sendable {
        public var text: String
        public var style: Style
        /// A hyperlink target (OSC 8): drawn around the text, taking no cells, so widths are unchanged.
        public var link: String?
        public init(_ text: String, _ style: Style = .plain, link: String? = nil) {
            self.text = text
            self.style = style
            self.link = link
        }
    }

    public let width: Int
    public let height: Int
    public private(set) var rows: [[Span]]
    /// Where the terminal cursor goes (row, column), 0-based.
    public var cursor: (row: Int, column: Int) = (0, 0)

    public init(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(1, height)
        rows = Array(repeating: [], count: self.height)
    }

    /// Writes spans at a row starting at `column`, clipped to `limit` cells (default: to the edge).
    public mutating func put(_ spans: [Span], row: Int, column: Int = 0, limit: Int? = nil, fill: Style? = nil) {
        guard row >= 0, row < height, column < width else { return }
        let available = min(limit ?? (width - column), width - column)
        var used = 0
        var out: [Span] = []
        for span in spans {
            guard used < available else { break }
            // Control characters from message text or a paste would move the terminal's cursor and
            // tear the status line: they are drawn as visible symbols instead.
            let clipped = TextWidth.prefix(TextWidth.printable(span.text), cells: available - used)
            used += TextWidth.of(clipped)
            if !clipped.isEmpty { out.append(Span(clipped, span.style, link: span.link)) }
        }
        if used < available { out.append(Span(String(repeating: " ", count: available - used), fill ?? .plain)) }
        // Cells before `column` must already hold exactly `column` cells.
        let existing = rows[row]
        var prefix: [Span] = []
        var cells = 0
        for span in existing where cells < column {
            let part = TextWidth.prefix(span.text, cells: column - cells)
            cells += TextWidth.of(part)
            prefix.append(Span(part, span.style, link: span.link))
        }
        if cells < column { prefix.append(Span(String(repeating: " ", count: column - cells))) }
        rows[row] = prefix + out
    }

    /// The screen as plain text, one string per row (for tests and NO_COLOR-free dumps).
    public var lines: [String] {
        rows.map { row in
            let text = row.map(\.text).joined()
            let pad = width - TextWidth.of(text)
            return pad > 0 ? text + String(repeating: " ", count: pad) : text
        }
    }

    public static func == (a: Screen, b: Screen) -> Bool {
        a.width == b.width && a.height == b.height && a.rows == b.rows && a.cursor == b.cursor
    }
}

/// Terminal cell widths: East Asian wide characters and emoji take two cells, combining marks none.
public enum TextWidth {
    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

    public static func of(_ c: Character) -> Int {
        // Most text is ASCII: no Unicode property lookup for it. Every redraw measures each
        // character it wraps (a full output pane is 500 lines; tui-bench).
        if let a = c.asciiValue { return a < 0x20 || a == 0x7F ? 0 : 1 }
        guard let scalar = c.unicodeScalars.first else { return 0 }
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    /// `c` as it can be drawn: a line break as ↵, other control characters as their Unicode symbol (␉, ␛).
    public static func visible(_ c: Character) -> Character {
        guard let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return c }
        switch scalar.value {
        case 0x0A, 0x0D: return "↵"
        case 0x00..<0x20: return Character(Unicode.Scalar(0x2400 + scalar.value)!)
        case 0x7F: return "␡"
        case 0x80..<0xA0: return "�"
        default: return c
        }
    }

    /// `s` with every control character made visible (a fast pass when there is none).
    public static func printable(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) else { return s }
        return String(s.map(visible))
    }

    /// The longest prefix of `s` that fits in `cells`.
    public static func prefix(_ s: String, cells: Int) -> String {
        guard cells > 0 else { return "" }
        var used = 0
        var out = ""
        for c in s {
            let w = of(c)
            if used + w > cells { break }
            used += w
            out.append(c)
        }
        return out
    }

    /// Splits text into lines of at most `cells`, breaking at spaces where possible.
    public static func wrap(_ text: String, cells: Int) -> [String] {
        guard cells > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                let w = String(word)
                let ww = of(w)
                let sep = line.isEmpty ? 0 : 1
                if lineWidth + sep + ww <= cells {
                    line += (sep == 1 ? " " : "") + w
                    lineWidth += sep + ww
                    continue
                }
                if !line.isEmpty { lines.append(line) }
                line = ""
                lineWidth = 0
                // A word wider than the line is cut into pieces, measuring each character once: a
                // pasted 17,000-character word must not cost a quadratic rewrap on every redraw.
                for c in w {
                    let cw = of(c)
                    if lineWidth + cw > cells, !line.isEmpty {
                        lines.append(line)
                        line = ""
                        lineWidth = 0
                    }
                    line.append(c)
                    lineWidth += cw
                }
            }
            lines.append(line)
        }
        return lines
    }
}
