import Foundation

/// Topic tags from keyword lists per topic and language (billing/fatturazione, delivery/consegna
/// …). A keyword matches whole words of the normalized text; a trailing `*` matches a word
/// prefix (`fattur*`), and a keyword of several words matches them in a row.
public struct TopicRules: Sendable, Equatable {
    /// `topic` → `language` → keywords.
    public var keywords: [String: [String: [String]]]

    public init(keywords: [String: [String: [String]]]) {
        self.keywords = keywords
    }

    /// Italian and English out of the box.
    public static let defaults: [String: [String: [String]]] = [
        "billing": ["en": ["bill", "billing", "invoice*", "charged", "overcharged", "payment", "refund*"],
                    "it": ["fattur*", "bolletta", "addebit*", "pagament*", "rimbors*"]],
        "delivery": ["en": ["delivery", "delivered", "parcel", "package", "shipping", "courier", "tracking"],
                     "it": ["consegn*", "pacco", "spedizion*", "corriere"]],
        "app": ["en": ["app", "login", "crash*", "log in"],
                "it": ["app", "applicazione", "accesso", "aggiornamento"]],
        "pricing": ["en": ["price*", "pricing", "expensive", "discount*"],
                    "it": ["prezz*", "costo", "costa", "sconto", "caro"]],
        "outage": ["en": ["outage", "down", "not working", "no service"],
                   "it": ["disservizio", "non funziona", "guasto", "linea assente"]],
    ]

    /// Sorted topic names whose keywords occur in `text` (any language).
    public func topics(for text: String) -> [String] {
        let words = TextNormalizer.normalize(text).split(separator: " ").map(String.init)
        guard !words.isEmpty else { return [] }
        return keywords.keys.sorted().filter { topic in
            keywords[topic, default: [:]].values.contains { list in list.contains { Self.occurs($0, in: words) } }
        }
    }

    static func occurs(_ keyword: String, in words: [String]) -> Bool {
        let prefix = keyword.hasSuffix("*")
        let parts = TextNormalizer.normalize(prefix ? String(keyword.dropLast()) : keyword).split(separator: " ").map(String.init)
        guard !parts.isEmpty, parts.count <= words.count else { return false }
        for start in 0...(words.count - parts.count) {
            var ok = true
            for (k, part) in parts.enumerated() {
                let w = words[start + k]
                let last = k == parts.count - 1
                if !(w == part || (last && prefix && w.hasPrefix(part))) { ok = false; break }
            }
            if ok { return true }
        }
        return false
    }

    /// A topic name: 1–32 of a-z 0-9 - (used for config keys and `case.topics`).
    public static func isValidTopic(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 32 && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// "Far above its usual level": the count in the last hour against the mean hourly count over the
/// baseline hours before it. A spike needs at least `minCount` contacts and `factor` × the usual
/// level, so a quiet topic going from 0 to 1 is not an alert.
public struct TopicSpikeRule: Sendable, Equatable {
    public var factor: Double
    public var minCount: Int
    /// Hours before the last one whose mean is the usual level.
    public var baselineHours: Int

    public init(factor: Double = 3, minCount: Int = 10, baselineHours: Int = 168) {
        self.factor = factor
        self.minCount = minCount
        self.baselineHours = baselineHours
    }

    public func isSpike(lastHour: Int, baselineTotal: Int) -> Bool {
        guard lastHour >= minCount else { return false }
        let usual = Double(baselineTotal) / Double(max(baselineHours, 1))
        return Double(lastHour) >= factor * usual
    }

    /// At most one alert per topic per hour: `lastAlert` is when the previous one was posted.
    public static func mayAlert(now: Date, lastAlert: Date?) -> Bool {
        guard let lastAlert else { return true }
        return now.timeIntervalSince(lastAlert) >= 3600
    }
}
