import SwarmCore

/// The `[queue]` section: weights of the triage score and the urgency word lists (PROTOCOL §22.1,
/// documented key by key in `config/swarmd.toml`).
public struct QueueConfig: Sendable, Equatable {
    public var weights = QueueWeights()
    public var urgencyWordsIt = UrgencyWords.italian
    public var urgencyWordsEn = UrgencyWords.english

    public init() {}

    /// The score's rules, with the brand's care accounts (`intake.dedicated_accounts`).
    public func rules(dedicatedAccounts: Set<String>) -> QueueRules {
        QueueRules(weights: weights, urgency: UrgencyWords([urgencyWordsIt, urgencyWordsEn]), dedicatedAccounts: dedicatedAccounts)
    }
}

extension ServerConfig {
    typealias ConfigSetter = @Sendable (inout ServerConfig, TOMLSubset.Value) throws -> Void

    static let queueKeys: [String: ConfigSetter] = [
        "queue.public_post": { c, v in c.queue.weights.publicPost = try v.intValue(in: 0...1000) },
        "queue.reach_max": { c, v in c.queue.weights.reachMax = try v.intValue(in: 0...1000) },
        "queue.reach_cap": { c, v in c.queue.weights.reachCap = try v.intValue(in: 1000...ContactSignals.maxReach) },
        "queue.verified": { c, v in c.queue.weights.verified = try v.intValue(in: 0...1000) },
        "queue.main_account": { c, v in c.queue.weights.mainAccount = try v.intValue(in: 0...1000) },
        "queue.vip": { c, v in c.queue.weights.vip = try v.intValue(in: 0...1000) },
        "queue.tiers": { c, v in
            do { c.queue.weights.tierPoints = try QueueWeights.parseTiers(try v.stringsValue()) } catch let e as QueueWeights.Invalid {
                throw ConfigError(description: e.description)
            }
        },
        "queue.priority_low": { c, v in c.queue.weights.priorityLow = try v.intValue(in: -1000...0) },
        "queue.priority_high": { c, v in c.queue.weights.priorityHigh = try v.intValue(in: 0...1000) },
        "queue.priority_urgent": { c, v in c.queue.weights.priorityUrgent = try v.intValue(in: 0...1000) },
        "queue.urgency_word": { c, v in c.queue.weights.urgencyWord = try v.intValue(in: 0...1000) },
        "queue.urgency_max": { c, v in c.queue.weights.urgencyMax = try v.intValue(in: 0...1000) },
        "queue.urgency_words_it": { c, v in c.queue.urgencyWordsIt = try urgencyWords(v) },
        "queue.urgency_words_en": { c, v in c.queue.urgencyWordsEn = try urgencyWords(v) },
        "queue.waiting_per_hour": { c, v in c.queue.weights.waitingPerHour = try v.intValue(in: 0...1000) },
        "queue.waiting_max": { c, v in c.queue.weights.waitingMax = try v.intValue(in: 0...1000) },
        "queue.sla_max": { c, v in c.queue.weights.slaMax = try v.intValue(in: 0...1000) },
        "queue.sla_window_minutes": { c, v in c.queue.weights.slaWindowMinutes = try v.intValue(in: 1...525_600) },
    ]

    static func urgencyWords(_ v: TOMLSubset.Value) throws -> [String] {
        let list = try v.stringsValue()
        do { try UrgencyWords.validate(list) } catch { throw ConfigError(description: error.description) }
        return list
    }
}
