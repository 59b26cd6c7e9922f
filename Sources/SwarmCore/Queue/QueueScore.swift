import Foundation
import SwarmProtocol

/// The explainable triage score (PROTOCOL §22.1). It has two halves so the queue can reorder as
/// time passes without rescanning every case: `stored` depends only on the case (signals,
/// customer, priority, urgency words) and is kept per case, updated when the case changes;
/// `timed` depends on `now` (waiting, SLA pressure) and is added at read time.
public enum QueueScore {
    /// What the stored half reads from a case.
    public struct CaseFacts: Sendable, Equatable {
        public var isPublic: Bool
        public var reach: Int
        public var verified: Bool
        public var account: String?
        public var tier: String?
        public var vip: Bool
        public var priority: CasePriority
        /// Urgency entries found in the case's inbound texts (`UrgencyWords.hits`).
        public var urgencyHits: [String]

        public init(isPublic: Bool = false, reach: Int = 0, verified: Bool = false, account: String? = nil, tier: String? = nil, vip: Bool = false,
                    priority: CasePriority = .normal, urgencyHits: [String] = []) {
            self.isPublic = isPublic
            self.reach = reach
            self.verified = verified
            self.account = account
            self.tier = tier
            self.vip = vip
            self.priority = priority
            self.urgencyHits = urgencyHits
        }
    }

    /// What the timed half reads.
    public struct Clock: Sendable, Equatable {
        /// The oldest unanswered inbound contact, else the opening; nil: the customer was answered.
        public var waitingSince: Date?
        public var slaDue: Date?
        /// Whether the deadline is the first response (nobody answered yet).
        public var firstResponsePending: Bool
        /// A pending case waits on the customer: no waiting or SLA pressure.
        public var paused: Bool

        public init(waitingSince: Date?, slaDue: Date?, firstResponsePending: Bool, paused: Bool = false) {
            self.waitingSince = waitingSince
            self.slaDue = slaDue
            self.firstResponsePending = firstResponsePending
            self.paused = paused
        }
    }

    /// The parts that do not depend on time; zero parts are left out.
    public static func stored(_ f: CaseFacts, _ rules: QueueRules) -> [QueueScorePart] {
        let w = rules.weights
        var parts: [QueueScorePart] = []
        func add(_ points: Int, _ kind: String, _ label: String) {
            if points != 0 { parts.append(QueueScorePart(points: points, kind: kind, label: label)) }
        }
        if f.isPublic { add(w.publicPost, "public", "public post") }
        add(reachPoints(f.reach, w), "reach", "reach \(compact(f.reach))")
        if f.verified { add(w.verified, "verified", "verified author") }
        if let account = f.account, !rules.dedicatedAccounts.contains(account) {
            add(w.mainAccount, "account", "reached \(account) (not a care account)")
        }
        if f.vip { add(w.vip, "vip", "VIP customer") }
        if let tier = f.tier { add(w.points(forTier: tier), "tier", "\(tier.lowercased()) tier") }
        switch f.priority {
        case .low: add(w.priorityLow, "priority", "low priority")
        case .normal: break
        case .high: add(w.priorityHigh, "priority", "high priority")
        case .urgent: add(w.priorityUrgent, "priority", "urgent priority")
        }
        if !f.urgencyHits.isEmpty {
            let words = f.urgencyHits.map { $0.hasSuffix("*") ? String($0.dropLast()) + "…" : $0 }
            add(min(w.urgencyMax, w.urgencyWord * f.urgencyHits.count), "urgency", "urgent words: " + words.prefix(4).joined(separator: ", "))
        }
        return parts
    }

    /// The parts that grow with time, at `now`.
    public static func timed(_ c: Clock, now: Date, _ w: QueueWeights) -> [QueueScorePart] {
        guard !c.paused else { return [] }
        var parts: [QueueScorePart] = []
        if let since = c.waitingSince {
            let seconds = max(0, now.timeIntervalSince(since))
            let points = waitingPoints(seconds: seconds, w)
            if points > 0 { parts.append(QueueScorePart(points: points, kind: "waiting", label: "waiting \(duration(seconds))")) }
        }
        if let due = c.slaDue {
            let what = c.firstResponsePending ? "first response" : "SLA"
            let left = due.timeIntervalSince(now)
            if left <= 0 {
                parts.append(QueueScorePart(points: w.slaMax, kind: "sla", label: "\(what) overdue by \(duration(-left))"))
            } else {
                let points = slaPoints(secondsLeft: left, w)
                if points > 0 { parts.append(QueueScorePart(points: points, kind: "sla", label: "\(what) due in \(duration(left))")) }
            }
        }
        return parts
    }

    /// `total(timed(c, now: now, w))` without building the labels: the queue scores every
    /// candidate it reads and explains only the ones that make the top.
    public static func timedTotal(_ c: Clock, now: Date, _ w: QueueWeights) -> Int {
        guard !c.paused else { return 0 }
        var total = 0
        if let since = c.waitingSince { total += max(0, waitingPoints(seconds: max(0, now.timeIntervalSince(since)), w)) }
        if let due = c.slaDue {
            let left = due.timeIntervalSince(now)
            total += left <= 0 ? w.slaMax : max(0, slaPoints(secondsLeft: left, w))
        }
        return total
    }

    /// The waiting part after `seconds` of waiting (≥ 0); never falls as the wait grows.
    public static func waitingPoints(seconds: Double, _ w: QueueWeights) -> Int {
        min(w.waitingMax, Int(seconds / 3600 * Double(w.waitingPerHour)))
    }

    /// The SLA part with `secondsLeft` > 0 before the deadline (overdue is `slaMax`); never
    /// falls as the deadline nears.
    public static func slaPoints(secondsLeft left: Double, _ w: QueueWeights) -> Int {
        let window = Double(w.slaWindowMinutes) * 60
        guard window > 0, left < window else { return 0 }
        return Int((Double(w.slaMax) * (1 - left / window)).rounded())
    }

    public static func total(_ parts: [QueueScorePart]) -> Int { parts.reduce(0) { $0 + $1.points } }

    /// "+30 public post · +13 reach 48k"; the biggest parts first.
    public static func explain(_ parts: [QueueScorePart]) -> String {
        ordered(parts).map(\.text).joined(separator: " · ")
    }

    /// Biggest contribution first (stable for equal points).
    public static func ordered(_ parts: [QueueScorePart]) -> [QueueScorePart] {
        parts.enumerated().sorted { a, b in
            abs(a.element.points) != abs(b.element.points) ? abs(a.element.points) > abs(b.element.points) : a.offset < b.offset
        }.map(\.element)
    }

    /// 0 up to 100 followers, then log10-proportional up to `reachMax` at `reachCap`.
    public static func reachPoints(_ reach: Int, _ w: QueueWeights) -> Int {
        guard reach > 100, w.reachCap > 100 else { return 0 }
        let share = (log10(Double(reach)) - 2) / (log10(Double(w.reachCap)) - 2)
        return Int((Double(w.reachMax) * min(1, share)).rounded())
    }

    /// 950, 48k, 1.2M.
    public static func compact(_ n: Int) -> String {
        switch n {
        case ..<1000: return "\(n)"
        case ..<1_000_000: return n < 10_000 ? oneDecimal(Double(n) / 1000) + "k" : "\(n / 1000)k"
        default: return n < 10_000_000 ? oneDecimal(Double(n) / 1_000_000) + "M" : "\(n / 1_000_000)M"
        }
    }

    private static func oneDecimal(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded(.down))
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }

    /// "45 s", "12 min", "3 h", "3 h 20 min", "2 d".
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86_400 { return s % 3600 >= 60 && s < 36_000 ? "\(s / 3600) h \(s % 3600 / 60) min" : "\(s / 3600) h" }
        return "\(s / 86_400) d"
    }
}
