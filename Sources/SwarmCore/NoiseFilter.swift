/// Spam and noise ("follow back", giveaway links) kept out of the case queue. A matching contact
/// goes to the filtered bin, never silently away, and the decision names the rule that matched so
/// a lead can judge it and fix the list.
public struct NoiseFilter: Sendable, Equatable {
    /// Link prefixes (`bit.ly/free`, `spam.example`), compared with the contact's URLs without
    /// scheme and `www.`.
    public var links: [String]
    /// Phrases matched as whole words on the normalized text ("follow back").
    public var phrases: [String]
    /// Wildcard patterns over the whole normalized text: `*` is any run ("win * iphone*").
    public var patterns: [String]

    public init(links: [String] = [], phrases: [String] = [], patterns: [String] = []) {
        self.links = links.map { $0.lowercased() }
        self.phrases = phrases.map(TextNormalizer.normalize).filter { !$0.isEmpty }
        self.patterns = patterns.map { $0.lowercased() }
    }

    /// The first matching rule, named `link:…`, `phrase:…` or `pattern:…`; nil when the text is clean.
    public func rule(for text: String) -> String? {
        if !links.isEmpty {
            let urls = TextNormalizer.links(text)
            for link in links where urls.contains(where: { $0.hasPrefix(link) }) { return "link:\(link)" }
        }
        guard !phrases.isEmpty || !patterns.isEmpty else { return nil }
        let padded = " " + TextNormalizer.normalize(text) + " "
        for phrase in phrases where padded.contains(" \(phrase) ") { return "phrase:\(phrase)" }
        let normalized = padded.dropFirst().dropLast()
        for pattern in patterns where TokenScope.matches(pattern: pattern, String(normalized)) { return "pattern:\(pattern)" }
        return nil
    }
}
