import Foundation

/// The team's tone of voice for replies to customers (config `[tone]`, PROTOCOL §25
/// `reply.check`): phrases never to write, the form of address per language (Italian "Lei" vs
/// "tu"), a length limit and a required signature. `check` only reports; the agent decides.
public struct ToneRules: Sendable, Equatable {
    public enum Address: String, Sendable, Equatable {
        case formal, informal
    }

    /// One problem in a reply. `span` is in Unicode code points of the text, end exclusive.
    public struct Finding: Sendable, Equatable {
        public var rule: String
        public var message: String
        public var span: Range<Int>?

        public init(rule: String, message: String, span: Range<Int>? = nil) {
            self.rule = rule
            self.message = message
            self.span = span
        }
    }

    /// Language (`it`, `en`; `*` for every language) → phrases, matched as whole words, ignoring
    /// case and accents.
    public var forbidden: [String: [String]]
    /// Language → the address the team uses; languages not listed are not checked.
    public var address: [String: Address]
    /// Characters; 0: no limit.
    public var maxLength: Int
    /// A regular expression the reply's last non-blank line must contain a match of; nil: none.
    public var signaturePattern: String?
    /// The language of a customer whose `language` is not set.
    public var defaultLanguage: String

    public init(forbidden: [String: [String]] = [:], address: [String: Address] = [:], maxLength: Int = 0,
                signaturePattern: String? = nil, defaultLanguage: String = "en") {
        self.forbidden = forbidden
        self.address = address
        self.maxLength = maxLength
        self.signaturePattern = signaturePattern
        self.defaultLanguage = defaultLanguage
    }

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Rules from the config's lists: `forbidden_phrases = ["it:si calmi", "*:as I said"]`,
    /// `address = ["it:formal"]`. A bad entry or pattern is an error naming it, for start-up.
    public static func parse(forbidden: [String], address: [String], maxLength: Int, signaturePattern: String,
                             defaultLanguage: String) throws(Invalid) -> ToneRules {
        var rules = ToneRules(maxLength: maxLength, defaultLanguage: try language(defaultLanguage, entry: defaultLanguage))
        for entry in forbidden {
            let (lang, phrase) = try split(entry, allowStar: true)
            guard !phrase.isEmpty else { throw Invalid(description: "\"\(entry)\": the phrase is empty") }
            rules.forbidden[lang, default: []].append(phrase)
        }
        for entry in address {
            let (lang, value) = try split(entry, allowStar: false)
            guard let a = Address(rawValue: value.lowercased()) else { throw Invalid(description: "\"\(entry)\": use LANG:formal or LANG:informal") }
            guard AddressMarkers.byLanguage[lang] != nil else {
                throw Invalid(description: "\"\(entry)\": no address rule for \(lang) (known: \(AddressMarkers.byLanguage.keys.sorted().joined(separator: ", ")))")
            }
            rules.address[lang] = a
        }
        if !signaturePattern.isEmpty {
            do { _ = try Regex(signaturePattern) } catch { throw Invalid(description: "signature_pattern is not a regular expression: \(error)") }
            rules.signaturePattern = signaturePattern
        }
        return rules
    }

    static func split(_ entry: String, allowStar: Bool) throws(Invalid) -> (String, String) {
        guard let colon = entry.firstIndex(of: ":") else { throw Invalid(description: "\"\(entry)\": write LANG:value (it:…, en:…)") }
        let lang = String(entry[..<colon])
        let value = String(entry[entry.index(after: colon)...]).trimmingWhitespace()
        if allowStar, lang == "*" { return ("*", value) }
        return (try language(lang, entry: entry), value)
    }

    /// A language code: 2–3 letters, lower-cased.
    static func language(_ raw: String, entry: String) throws(Invalid) -> String {
        let l = raw.trimmingWhitespace().lowercased()
        guard (2...3).contains(l.count), l.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw Invalid(description: "\"\(entry)\": \(raw) is not a language code (it, en, de…)")
        }
        return l
    }

    /// The language to check a reply in: the customer's (`it-IT`, `IT`, `it_CH` → `it`), else the default.
    public func language(forCustomer customerLanguage: String?) -> String {
        guard let raw = customerLanguage?.trimmingWhitespace().lowercased(), !raw.isEmpty else { return defaultLanguage }
        let code = raw.prefix { $0.isLetter }
        return (2...3).contains(code.count) ? String(code) : defaultLanguage
    }

    /// Findings in document order of the rules: forbidden phrases, address, length, signature.
    public func check(_ text: String, language: String) -> [Finding] {
        var findings: [Finding] = []
        for phrase in (forbidden["*"] ?? []) + (forbidden[language] ?? []) {
            for span in Self.wordRanges(of: phrase, in: text) {
                findings.append(Finding(rule: "forbidden_phrase", message: "avoid \"\(phrase)\"", span: span))
            }
        }
        if let want = address[language], let markers = AddressMarkers.byLanguage[language] {
            let wrong = want == .formal ? markers.informal : markers.formal
            for (word, span) in Self.words(in: text).lazy.filter({ wrong.matches($0.0, atSentenceStart: $0.1.atSentenceStart) }).prefix(Self.maxFindingsPerRule) {
                findings.append(Finding(rule: "address", message: "\"\(word)\" is \(want == .formal ? "informal" : "formal"); this team writes \(want.rawValue) in \(language)",
                                        span: span.range))
            }
        }
        let length = text.count
        if maxLength > 0, length > maxLength {
            findings.append(Finding(rule: "max_length", message: "\(length) characters; the limit is \(maxLength)"))
        }
        if let signaturePattern, let regex = try? Regex(signaturePattern) {
            let last = text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
            if (try? regex.firstMatch(in: last)) == nil {
                findings.append(Finding(rule: "signature", message: "the reply does not end with the team's signature"))
            }
        }
        return findings
    }

    // MARK: - Text scanning

    /// Findings listed per rule at most; a hostile text full of one word stays a short answer.
    public static let maxFindingsPerRule = 20

    /// Code-point offsets of increasing indices, each counted from the previous one (linear overall).
    struct Offsets {
        let text: String
        var index: String.Index
        var offset = 0

        init(_ text: String) {
            self.text = text
            index = text.startIndex
        }

        mutating func at(_ i: String.Index) -> Int {
            if i < index { (index, offset) = (text.startIndex, 0) }
            offset += text.unicodeScalars.distance(from: index, to: i)
            index = i
            return offset
        }
    }

    /// Where `phrase` occurs as whole words (ignoring case and accents).
    static func wordRanges(of phrase: String, in text: String) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var offsets = Offsets(text)
        var from = text.startIndex
        while from < text.endIndex, out.count < maxFindingsPerRule,
              let r = text.range(of: phrase, options: [.caseInsensitive, .diacriticInsensitive], range: from..<text.endIndex) {
            let before = r.lowerBound == text.startIndex ? nil : text[text.index(before: r.lowerBound)]
            let after = r.upperBound == text.endIndex ? nil : text[r.upperBound]
            if !(before?.isLetter ?? false), !(after?.isLetter ?? false) {
                let start = offsets.at(r.lowerBound)
                out.append(start..<offsets.at(r.upperBound))
            }
            from = text.index(after: r.lowerBound)
        }
        return out
    }

    struct WordPlace {
        var range: Range<Int>
        var atSentenceStart: Bool
    }

    /// Words (letters and apostrophes) with their place, and whether a sentence starts there.
    static func words(in text: String) -> [(String, WordPlace)] {
        var out: [(String, WordPlace)] = []
        var sentenceStart = true
        var word = ""
        var wordStart = 0
        var offset = 0
        for c in text {
            if c.isLetter {
                if word.isEmpty { wordStart = offset }
                word.append(c)
            } else {
                if !word.isEmpty {
                    out.append((word, WordPlace(range: wordStart..<offset, atSentenceStart: sentenceStart)))
                    word = ""
                    sentenceStart = false
                }
                if ".!?\n".contains(c) { sentenceStart = true }
            }
            offset += c.unicodeScalars.count
        }
        if !word.isEmpty { out.append((word, WordPlace(range: wordStart..<offset, atSentenceStart: sentenceStart))) }
        return out
    }
}

/// The words that give away a form of address, per language. Informal words count in any case;
/// formal pronouns only when capitalized mid-sentence ("Lei", "Suo", "Sie"), since lower-case "lei"
/// is "she" and "sie" is "they".
public struct AddressMarkers: Sendable, Equatable {
    public struct Markers: Sendable, Equatable {
        var anyCase: Set<String>
        var capitalized: Set<String>

        func matches(_ word: String, atSentenceStart: Bool) -> Bool {
            if anyCase.contains(word.lowercased()) { return true }
            return !atSentenceStart && capitalized.contains(word)
        }
    }

    var informal: Markers
    var formal: Markers

    static let byLanguage: [String: AddressMarkers] = [
        "it": AddressMarkers(informal: Markers(anyCase: ["tu", "ti", "te", "tuo", "tua", "tuoi", "tue", "puoi", "vuoi", "scrivici", "contattaci"], capitalized: []),
                             formal: Markers(anyCase: [], capitalized: ["Lei", "Le", "La", "Suo", "Sua", "Suoi", "Sue"])),
        "de": AddressMarkers(informal: Markers(anyCase: ["du", "dich", "dir", "dein", "deine", "deinen", "deinem", "deiner", "deines"], capitalized: []),
                             formal: Markers(anyCase: [], capitalized: ["Sie", "Ihnen", "Ihr", "Ihre", "Ihren", "Ihrem", "Ihrer"])),
        "fr": AddressMarkers(informal: Markers(anyCase: ["tu", "toi", "ton", "ta", "tes"], capitalized: []),
                             formal: Markers(anyCase: ["vous", "votre", "vos"], capitalized: [])),
        "es": AddressMarkers(informal: Markers(anyCase: ["tú", "tu", "tus", "te", "ti", "contigo"], capitalized: []),
                             formal: Markers(anyCase: ["usted", "ustedes"], capitalized: [])),
    ]
}
