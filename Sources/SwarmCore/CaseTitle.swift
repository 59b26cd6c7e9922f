/// The title a case gets when an interaction opens it: the customer's text on one line, cut at
/// a word boundary so an agent scanning `/case list` never reads half a word.
public enum CaseTitle {
    /// At most `limit` characters (including the `…` that marks a cut). Whitespace runs and line
    /// breaks become one space. A text whose first word alone is too long is cut inside it, as
    /// there is no better place; a text with no words at all is left to title validation.
    public static func derived(from text: String, limit: Int = 80) -> String {
        let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard line.count > limit, limit > 1 else { return line }
        let room = line.prefix(limit - 1)
        // Cut at the last space that keeps the word before it whole, when there is one.
        let cut: Substring
        if line[room.endIndex] == " " {
            cut = room
        } else if let space = room.lastIndex(of: " ") {
            cut = room[..<space]
        } else {
            cut = room
        }
        var kept = String(cut)
        // "Refund, …" reads worse than "Refund…": drop punctuation left dangling by the cut.
        while let last = kept.last, last.isPunctuation || last == " " { kept.removeLast() }
        return (kept.isEmpty ? String(room) : kept) + "…"
    }
}
