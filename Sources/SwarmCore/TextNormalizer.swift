import Foundation

/// The text the duplicate, noise and topic rules compare: the same complaint written "Where's my
/// REFUND?? @acme https://t.co/x" and "where s my refund" must look alike, so case, accents, URLs,
/// @mentions, punctuation and runs of whitespace are folded away.
public enum TextNormalizer {
    /// Lower-cased, accents folded, URLs and @mentions dropped, punctuation turned into spaces,
    /// whitespace collapsed to single spaces. Letters and digits of every script are kept.
    public static func normalize(_ text: String) -> String {
        var words: [String] = []
        for token in text.split(whereSeparator: { $0.isWhitespace }) {
            let lower = token.lowercased()
            if isURL(lower) || lower.hasPrefix("@") { continue }
            let folded = lower.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
            var word = ""
            for scalar in folded.unicodeScalars {
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    word.unicodeScalars.append(scalar)
                } else if !word.isEmpty {
                    words.append(word)
                    word = ""
                }
            }
            if !word.isEmpty { words.append(word) }
        }
        return words.joined(separator: " ")
    }

    /// The URLs of a text, lower-cased, without the scheme (`bit.ly/free-followers`), for link rules.
    public static func links(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace }).map { $0.lowercased() }.filter(isURL).map { url in
            var s = Substring(url)
            for prefix in ["https://", "http://"] where s.hasPrefix(prefix) { s = s.dropFirst(prefix.count) }
            if s.hasPrefix("www.") { s = s.dropFirst(4) }
            return String(s)
        }
    }

    static func isURL(_ lower: String) -> Bool {
        lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("www.")
    }
}
