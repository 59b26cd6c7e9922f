/// The weights of the triage score (config `[queue]`, documented in `config/swarmd.toml` and
/// PROTOCOL §22.1). Points are integers so a breakdown adds up exactly to the total.
public struct QueueWeights: Sendable, Equatable {
    /// Any inbound contact of the case was public (a post or comment anyone can read).
    public var publicPost = 30
    /// Reach: 0 points up to 100 followers, growing with log10 of the followers to `reachMax` at
    /// `reachCap` and no further, so a big account raises a case but never decides alone.
    public var reachMax = 20
    public var reachCap = 1_000_000
    public var verified = 5
    /// The contact reached a brand account that is not dedicated to care (`@acme`, not `@acme_care`).
    public var mainAccount = 10
    public var vip = 20
    /// Customer tier name (lower-cased) → points; tiers not listed add nothing.
    public var tierPoints: [String: Int] = ["platinum": 20, "gold": 12, "silver": 6]
    public var priorityLow = -10
    public var priorityHigh = 15
    public var priorityUrgent = 30
    /// Per distinct urgency word found in the case's inbound texts, up to `urgencyMax`.
    public var urgencyWord = 12
    public var urgencyMax = 36
    /// Time waiting since the oldest unanswered inbound contact (or the opening): points per
    /// hour, up to `waitingMax`.
    public var waitingPerHour = 4
    public var waitingMax = 40
    /// SLA pressure: 0 until `slaWindowMinutes` before `cases.sla_due_at`, then growing linearly to
    /// `slaMax` at the deadline; overdue is `slaMax`.
    public var slaMax = 40
    public var slaWindowMinutes = 240

    public init() {}

    /// The most the time-dependent parts can add: the queue reads cases in stored-score order and
    /// stops once no further case could overtake the last one it keeps (PROTOCOL §22.2).
    public var maxTimedPoints: Int { waitingMax + slaMax }

    public func points(forTier tier: String?) -> Int {
        guard let tier else { return 0 }
        return tierPoints[tier.trimmingWhitespace().lowercased()] ?? 0
    }

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case tier(String)
        public var description: String {
            switch self {
            case .tier(let e): "tier entry \"\(e.prefix(40))\" must be name=points with points 0–1000"
            }
        }
    }

    /// `["gold=12", "silver=6"]` → points per tier.
    public static func parseTiers(_ entries: [String]) throws(Invalid) -> [String: Int] {
        var out: [String: Int] = [:]
        for entry in entries {
            let pieces = entry.split(separator: "=", omittingEmptySubsequences: false)
            guard pieces.count == 2 else { throw .tier(entry) }
            let name = String(pieces[0]).trimmingWhitespace().lowercased()
            guard !name.isEmpty, let points = Int(String(pieces[1]).trimmingWhitespace()), (0...1000).contains(points) else { throw .tier(entry) }
            out[name] = points
        }
        return out
    }

    /// A stable text of every weight, stored with the scores: when it changes (new config), the
    /// stored parts are recomputed at start-up.
    public var fingerprint: String {
        let tiers = tierPoints.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return [publicPost, reachMax, reachCap, verified, mainAccount, vip, priorityLow, priorityHigh, priorityUrgent, urgencyWord, urgencyMax]
            .map(String.init).joined(separator: ",") + ";" + tiers
    }
}

/// Weights and urgency words together: all the score needs besides the case.
public struct QueueRules: Sendable, Equatable {
    public var weights: QueueWeights
    public var urgency: UrgencyWords
    public var dedicatedAccounts: Set<String>

    public init(weights: QueueWeights = QueueWeights(), urgency: UrgencyWords = UrgencyWords(), dedicatedAccounts: Set<String> = []) {
        self.weights = weights
        self.urgency = urgency
        self.dedicatedAccounts = dedicatedAccounts
    }

    /// Changes whenever a stored (time-independent) part could change.
    public var fingerprint: String {
        weights.fingerprint + ";" + urgency.exact.sorted().joined(separator: ",") + ";" + urgency.prefixes.joined(separator: ",")
            + ";" + dedicatedAccounts.sorted().joined(separator: ",")
    }
}
