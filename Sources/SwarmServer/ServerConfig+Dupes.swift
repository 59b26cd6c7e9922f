import Foundation
import SwarmCore

/// `[duplicates]`, `[noise]` and `[topics]` (PROTOCOL §23): their keys, defaults and start-up checks.
extension ServerConfig {
    public static let defaultNoisePhrases = ["follow back", "follow for follow", "f4f", "segui e ricambio"]

    /// `TopicRules.defaults` flattened to the config's `topic_language` keys.
    public static let defaultTopicKeywords: [String: [String]] = {
        var out: [String: [String]] = [:]
        for (topic, langs) in TopicRules.defaults {
            for (lang, words) in langs { out["\(topic)_\(lang)"] = words }
        }
        return out
    }()

    static let dupesKeys: [String: @Sendable (inout ServerConfig, TOMLSubset.Value) throws -> Void] = [
        "duplicates.window_hours": { c, v in c.duplicatesWindowHours = try v.intValue(in: 0...8760) },
        "duplicates.threshold": { c, v in c.duplicatesThreshold = try v.doubleValue(in: 0.05...1.0) },
        "noise.links": { c, v in c.noiseLinks = try v.stringsValue() },
        "noise.phrases": { c, v in c.noisePhrases = try v.stringsValue() },
        "noise.patterns": { c, v in c.noisePatterns = try v.stringsValue() },
        "topics.alert_channel": { c, v in c.topicsAlertChannel = try v.stringValue() },
        "topics.spike_factor": { c, v in c.topicsSpikeFactor = try v.doubleValue(in: 1.0...1000.0) },
        "topics.spike_min_count": { c, v in c.topicsSpikeMinCount = try v.intValue(in: 1...1_000_000) },
        "topics.baseline_hours": { c, v in c.topicsBaselineHours = try v.intValue(in: 1...8760) },
    ]

    /// `topics.keywords_<topic>_<language>`: keys made by the operator, so they are not in the
    /// fixed table. A topic is a-z 0-9 -; a language two letters. An empty list drops the pair.
    static func topicKeywordsSetter(_ key: String) -> (@Sendable (inout ServerConfig, TOMLSubset.Value) throws -> Void)? {
        let prefix = "topics.keywords_"
        guard key.hasPrefix(prefix) else { return nil }
        let name = String(key.dropFirst(prefix.count))
        guard let cut = name.lastIndex(of: "_") else { return nil }
        let topic = String(name[..<cut]), lang = String(name[name.index(after: cut)...])
        guard TopicRules.isValidTopic(topic), lang.count == 2, lang.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return nil }
        return { c, v in
            let words = try v.stringsValue().map { $0.trimmingCharacters(in: .whitespaces) }
            guard words.allSatisfy({ !TextNormalizer.normalize($0.hasSuffix("*") ? String($0.dropLast()) : $0).isEmpty }) else {
                throw ConfigError(description: "every keyword needs a letter or digit")
            }
            c.topicKeywords["\(topic)_\(lang)"] = words.isEmpty ? nil : words
        }
    }

    func validateDupes() throws {
        for phrase in noisePhrases where TextNormalizer.normalize(phrase).isEmpty {
            throw ConfigError(description: "noise.phrases: \"\(phrase)\" has no letter or digit")
        }
        for link in noiseLinks where link.isEmpty || link.contains(where: \.isWhitespace) {
            throw ConfigError(description: "noise.links: \"\(link)\" must be a link prefix without spaces")
        }
        for pattern in noisePatterns where pattern.allSatisfy({ $0 == "*" || $0.isWhitespace }) {
            throw ConfigError(description: "noise.patterns: \"\(pattern)\" would match every contact")
        }
        if !topicsAlertChannel.isEmpty, !Names.isValid(Names.strip(topicsAlertChannel).lowercased(), maxLength: 64) {
            throw ConfigError(description: "topics.alert_channel: \"\(topicsAlertChannel)\" is not a channel name")
        }
    }

    /// The rules built from these settings.
    public var duplicateRule: DuplicateRule {
        DuplicateRule(threshold: duplicatesThreshold, windowSeconds: duplicatesWindowHours * 3600)
    }

    public var noiseFilter: NoiseFilter { NoiseFilter(links: noiseLinks, phrases: noisePhrases, patterns: noisePatterns) }

    public var topicRules: TopicRules {
        var keywords: [String: [String: [String]]] = [:]
        for (key, words) in topicKeywords {
            guard let cut = key.lastIndex(of: "_") else { continue }
            keywords[String(key[..<cut]), default: [:]][String(key[key.index(after: cut)...])] = words
        }
        return TopicRules(keywords: keywords)
    }

    public var topicSpikeRule: TopicSpikeRule {
        TopicSpikeRule(factor: topicsSpikeFactor, minCount: topicsSpikeMinCount, baselineHours: topicsBaselineHours)
    }
}

