/// Screen → terminal escape sequences. Redraws only rows that changed since the previous frame.
/// With `colors` off (NO_COLOR, or --no-color) only reverse video is used, for the status line
/// and the selection, which stay readable on any theme. Hyperlinks (OSC 8) are written only with
/// `links` on (a real terminal with escapes allowed); they take no cells.
public enum ANSI {
    /// Alternate screen, bracketed paste, and mouse reports (1000: buttons and wheel, 1006: SGR
    /// encoding) so the wheel scrolls the messages; Shift-drag still selects text in most terminals.
    public static let enterAlternateScreen = "\u{1B}[?1049h\u{1B}[?2004h\u{1B}[?1000h\u{1B}[?1006h\u{1B}[H\u{1B}[2J"
    /// Every way out (quit, SIGTERM's grace exit) writes this, so mouse mode never outlives the client.
    public static let leaveAlternateScreen = "\u{1B}[?1006l\u{1B}[?1000l\u{1B}[?2004l\u{1B}[?1049l"
    public static let bell = "\u{07}"

    public static func frame(_ screen: Screen, previous: Screen?, colors: Bool, links: Bool = false) -> String {
        var out = "\u{1B}[?25l"
        let full = previous == nil || previous!.width != screen.width || previous!.height != screen.height
        if full { out += "\u{1B}[H\u{1B}[2J" }
        for (i, row) in screen.rows.enumerated() {
            if !full, let prev = previous, prev.rows[i] == row { continue }
            out += "\u{1B}[\(i + 1);1H"
            for span in row { out += styled(span, colors: colors, links: links) }
            out += "\u{1B}[0m\u{1B}[K"
        }
        out += "\u{1B}[\(screen.cursor.row + 1);\(screen.cursor.column + 1)H\u{1B}[?25h"
        return out
    }

    static func styled(_ span: Screen.Span, colors: Bool, links: Bool = false) -> String {
        let text = sgr(span, colors: colors)
        guard links, let target = span.link.flatMap(linkTarget) else { return text }
        return "\u{1B}]8;;\(target)\u{1B}\\" + text + "\u{1B}]8;;\u{1B}\\"
    }

    /// A link target as OSC 8 allows it: printable ASCII only (anything else is percent-encoded),
    /// so a hostile URL in a message cannot end the sequence early and inject its own escapes.
    static func linkTarget(_ url: String) -> String? {
        guard !url.isEmpty, url.utf8.count <= 2048 else { return nil }
        var out = ""
        for byte in url.utf8 {
            if byte > 0x20, byte < 0x7F { out.append(Character(Unicode.Scalar(byte))) }
            else { out += String(format: "%%%02X", byte) }
        }
        return out
    }

    static func sgr(_ span: Screen.Span, colors: Bool) -> String {
        var codes: [String] = []
        let s = span.style
        if colors {
            if s.bold { codes.append("1") }
            if s.dim { codes.append("2") }
            if let c = s.color { codes.append(c.sgr) }
        }
        if s.reverse { codes.append("7") }
        guard !codes.isEmpty else { return span.text }
        return "\u{1B}[\(codes.joined(separator: ";"))m\(span.text)\u{1B}[0m"
    }
}
