import Foundation

/// Urgency words per language (config `queue.urgency_words_it`, `queue.urgency_words_en`):
/// "rimborso", "refund". Matched on normalized words (lower-cased, accents folded, split on
/// anything that is not a letter or digit), so "RIMBORSO!" and "disservizio," count; an entry
/// ending in `*` matches any word it starts ("rimbors*": rimborso, rimborsi). Languages are not
/// detected: every list is checked, since customers mix languages and a miss costs more.
public struct UrgencyWords: Sendable, Equatable {
    /// Normalized entries: exact words, and prefixes (from `word*`).
    public private(set) var exact: Set<String> = []
    public private(set) var prefixes: [String] = []

    public static let italian = ["rimbors*", "truffa", "truffat*", "bloccat*", "disservizio", "denuncia", "avvocato", "diffida", "urgente",
                                 "addebit*", "disdetta", "guasto"]
    public static let english = ["refund*", "scam*", "fraud*", "outage", "cancel*", "lawyer*", "lawsuit", "sue", "blocked", "locked",
                                 "urgent", "chargeback", "stolen"]

    public init(_ lists: [[String]] = [UrgencyWords.italian, UrgencyWords.english]) {
        for entry in lists.joined() {
            let trimmed = entry.trimmingWhitespace()
            if trimmed.hasSuffix("*") {
                let stem = Self.normalize(String(trimmed.dropLast()))
                if !stem.isEmpty, !prefixes.contains(stem) { prefixes.append(stem) }
            } else {
                let word = Self.normalize(trimmed)
                if !word.isEmpty { exact.insert(word) }
            }
        }
        prefixes.sort()
    }

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case entry(String)
        public var description: String {
            switch self {
            case .entry(let e): "urgency word \"\(e.prefix(40))\" must be one word of letters or digits, optionally ending in *"
            }
        }
    }

    /// Checks a configured list: each entry one word (after normalizing), `*` only at the end.
    public static func validate(_ list: [String]) throws(Invalid) {
        for entry in list {
            var body = entry.trimmingWhitespace()
            if body.hasSuffix("*") { body.removeLast() }
            let words = words(in: body)
            guard words.count == 1, words[0] == normalize(body) else { throw .entry(entry) }
        }
    }

    /// The entries `text` hits, as their normalized form (a prefix entry as `stem*`), sorted, once each.
    public func hits(in text: String) -> [String] {
        var found = Set<String>()
        for word in Self.words(in: text) {
            if exact.contains(word) { found.insert(word) }
            for stem in prefixes where word.hasPrefix(stem) { found.insert(stem + "*") }
        }
        return found.sorted()
    }

    /// Lower-cased with diacritics folded ("È" → "e"), the form words are compared in.
    public static func normalize(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
    }

    /// The normalized words of `text`: runs of letters and digits.
    public static func words(in text: String) -> [String] {
        normalize(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }
}
