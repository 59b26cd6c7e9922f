/// Search and KB replies wrap the matched words in `**` (`snippet`, `title_highlight`). The
/// full-screen client draws them bold; line mode and scripts drop the markers. They are never
/// printed as they came.
public enum Highlight {
    static let marker = "**"

    /// `text` without its markers.
    public static func strip(_ text: String) -> String {
        text.replacingOccurrences(of: marker, with: "")
    }

    /// `text` cut at its markers into (part, highlighted) pairs. `inside` says whether the text
    /// starts within a highlight (a wrapped line continuing one) and, on return, whether it ends
    /// within one.
    public static func parts(_ text: String, inside: inout Bool) -> [(text: String, highlighted: Bool)] {
        var out: [(String, Bool)] = []
        for (i, piece) in text.components(separatedBy: marker).enumerated() {
            if i > 0 { inside.toggle() }
            if !piece.isEmpty { out.append((piece, inside)) }
        }
        return out
    }

    /// One line's spans: highlighted parts in `style` made bold.
    static func spans(_ text: String, _ style: Screen.Style, inside: inout Bool) -> [Screen.Span] {
        var bold = style
        bold.bold = true
        return parts(text, inside: &inside).map { Screen.Span($0.text, $0.highlighted ? bold : style) }
    }
}
