/// Screen → terminal escape sequences. Redraws only rows that changed since the previous frame.
/// With `colors` off (NO_COLOR, or --no-color) only reverse video is used, for the status line
/// and the selection, which stay readable on any theme.
public enum ANSI {
    public static let enterAlternateScreen = "\u{1B}[?1049h\u{1B}[?2004h\u{1B}[H\u{1B}[2J"
    public static let leaveAlternateScreen = "\u{1B}[?2004l\u{1B}[?1049l"
    public static let bell = "\u{07}"

    public static func frame(_ screen: Screen, previous: Screen?, colors: Bool) -> String {
        var out = "\u{1B}[?25l"
        let full = previous == nil || previous!.width != screen.width || previous!.height != screen.height
        if full { out += "\u{1B}[H\u{1B}[2J" }
        for (i, row) in screen.rows.enumerated() {
            if !full, let prev = previous, prev.rows[i] == row { continue }
            out += "\u{1B}[\(i + 1);1H"
            for span in row { out += styled(span, colors: colors) }
            out += "\u{1B}[0m\u{1B}[K"
        }
        out += "\u{1B}[\(screen.cursor.row + 1);\(screen.cursor.column + 1)H\u{1B}[?25h"
        return out
    }

    static func styled(_ span: Screen.Span, colors: Bool) -> String {
        var codes: [String] = []
        let s = span.style
        if colors {
            if s.bold { codes.append("1") }
            if s.dim { codes.append("2") }
            if let c = s.color { codes.append(String(c.rawValue)) }
        }
        if s.reverse { codes.append("7") }
        guard !codes.isEmpty else { return span.text }
        return "\u{1B}[\(codes.joined(separator: ";"))m\(span.text)\u{1B}[0m"
    }
}
