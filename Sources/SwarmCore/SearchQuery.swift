/// Turns what a user typed into a safe FTS5 query: every word becomes a quoted phrase (so FTS5
/// operators and quotes in user input have no effect) and the last word is a prefix match for
/// search-as-you-type. Returns nil when nothing searchable is left.
public enum SearchQuery {
    public static func fts5(_ input: String, prefixLast: Bool = true) -> String? {
        let words = words(input)
        guard !words.isEmpty else { return nil }
        var parts = words.map { "\"\($0)\"" }
        if prefixLast { parts[parts.count - 1] += "*" }
        return parts.joined(separator: " ")
    }

    /// The words of a query (runs of letters and digits), the first 16.
    public static func words(_ input: String) -> [String] {
        Array(input.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init).prefix(16))
    }

    /// Common English and Italian words that say nothing about a problem.
    static let stopWords: Set<String> = [
        "the", "and", "for", "with", "you", "your", "are", "was", "not", "but", "this", "that", "have", "has", "had", "from", "can", "please",
        "what", "when", "where", "why", "how", "still", "any", "all", "our", "they", "them", "her", "his", "she", "him", "there", "been",
        "che", "non", "per", "con", "una", "uno", "del", "della", "dei", "delle", "alla", "sono", "come", "mio", "mia", "ancora", "anche",
        "questo", "questa", "quando", "dove", "perché", "perche", "grazie", "buongiorno", "salve", "ciao",
    ]

    /// Words for suggestions from a case's title and messages, where any of them may match:
    /// lower case, longer than two letters, no stop words, no repeats, the first 24.
    public static func suggestionWords(_ input: String) -> [String] {
        var seen = Set<String>()
        return Array(input.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map(String.init)
            .filter { $0.count > 2 && !stopWords.contains($0) && seen.insert($0).inserted }
            .prefix(24))
    }
}
