import Foundation
import SwarmProtocol

/// A service-level policy: which cases it covers and the targets their clocks run against.
/// Policies are tried in `order` (then name); the first that matches a case wins, and a case no
/// policy matches gets `SLAPolicy.fallback` (first response within `cases.sla_hours`, 24/7).
public struct SLAPolicy: Sendable, Equatable {
    public var name: String
    public var order: Int
    /// Team channel name or glob pattern (`social-*`); nil matches every channel.
    public var channel: String?
    /// The case's `public` intake signal; nil matches both.
    public var isPublic: Bool?
    /// Case priorities covered; empty matches every priority.
    public var priorities: [CasePriority]
    /// Customer tiers covered (as stored on the customer, folded to lower case); empty matches all.
    public var tiers: [String]
    /// Targets in seconds; nil: that clock does not run under this policy.
    public var firstResponse: TimeInterval?
    public var nextResponse: TimeInterval?
    public var resolution: TimeInterval?
    public var calendar: BusinessCalendar

    public init(name: String, order: Int = 0, channel: String? = nil, isPublic: Bool? = nil, priorities: [CasePriority] = [],
                tiers: [String] = [], firstResponse: TimeInterval? = nil, nextResponse: TimeInterval? = nil,
                resolution: TimeInterval? = nil, calendar: BusinessCalendar = .always) {
        self.name = name
        self.order = order
        self.channel = channel
        self.isPublic = isPublic
        self.priorities = priorities
        self.tiers = tiers.map { $0.lowercased() }
        self.firstResponse = firstResponse
        self.nextResponse = nextResponse
        self.resolution = resolution
        self.calendar = calendar
    }

    /// What a policy is matched against.
    public struct CaseFacts: Sendable, Equatable {
        public var channel: String
        public var isPublic: Bool
        public var priority: CasePriority
        public var tier: String?

        public init(channel: String, isPublic: Bool, priority: CasePriority, tier: String?) {
            self.channel = channel
            self.isPublic = isPublic
            self.priority = priority
            self.tier = tier
        }
    }

    public func matches(_ c: CaseFacts) -> Bool {
        if let channel, !TokenScope.matches(pattern: channel, c.channel) { return false }
        if let isPublic, isPublic != c.isPublic { return false }
        if !priorities.isEmpty, !priorities.contains(c.priority) { return false }
        if !tiers.isEmpty, !tiers.contains((c.tier ?? "").lowercased()) { return false }
        return true
    }

    /// The built-in policy: `cases.sla_hours` to the first response, around the clock.
    public static func fallback(slaHours: Int) -> SLAPolicy {
        SLAPolicy(name: "default", order: Int.max, firstResponse: TimeInterval(slaHours) * 3600)
    }

    /// The first policy (by order, then name) matching the case, else the fallback.
    public static func select(_ policies: [SLAPolicy], for c: CaseFacts, slaHours: Int) -> SLAPolicy {
        policies.sorted { ($0.order, $0.name) < ($1.order, $1.name) }.first { $0.matches(c) } ?? fallback(slaHours: slaHours)
    }
}
