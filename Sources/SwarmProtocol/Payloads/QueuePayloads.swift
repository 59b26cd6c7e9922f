/// Requests, replies and events of the triage queue (`queue.*`, PROTOCOL §22).

/// One readable part of a queue score: `{"points": 30, "kind": "public", "label": "public post"}`,
/// shown as "+30 public post".
public struct QueueScorePart: Codable, Sendable, Equatable {
    public var points: Int
    /// What the part comes from: public, reach, verified, account, vip, tier, priority, urgency,
    /// waiting, sla.
    public var kind: String
    public var label: String

    public init(points: Int, kind: String, label: String) {
        self.points = points
        self.kind = kind
        self.label = label
    }

    /// "+30 public post", "-10 low priority".
    public var text: String { (points >= 0 ? "+\(points)" : "\(points)") + " " + label }
}

/// `queue.list`: open cases (new, open, pending) the caller may see, best first.
public struct QueueListRequest: Codable, Sendable {
    /// A channel id or name.
    public var channel: String?
    /// Only cases tagged with this skill.
    public var skill: String?
    /// "none": nobody owns it; "me": the caller owns it.
    public var owner: String?
    /// 1–200, default 50.
    public var limit: Int?

    public init(channel: String? = nil, skill: String? = nil, owner: String? = nil, limit: Int? = nil) {
        self.channel = channel
        self.skill = skill
        self.owner = owner
        self.limit = limit
    }
}

/// One case in the queue with its score at `QueueListReply.at` and why.
public struct QueueItem: Codable, Sendable, Equatable {
    public var caseInfo: Case
    public var score: Int
    public var parts: [QueueScorePart]
    /// "+30 public post · +13 reach 48k · +25 first response due in 12 min".
    public var why: String
    /// The oldest inbound contact not yet answered (else when the case opened); nil: answered.
    public var waitingSince: String?
    public var waitingSeconds: Int
    /// `cases.sla_due_at`: the case's next running deadline.
    public var slaDue: String?
    /// Seconds until `sla_due` (negative: overdue).
    public var slaSecondsLeft: Int?

    enum CodingKeys: String, CodingKey {
        case score, parts, why
        case caseInfo = "case"
        case waitingSince = "waiting_since"
        case waitingSeconds = "waiting_seconds"
        case slaDue = "sla_due"
        case slaSecondsLeft = "sla_seconds_left"
    }

    public init(caseInfo: Case, score: Int, parts: [QueueScorePart], why: String, waitingSince: String?, waitingSeconds: Int,
                slaDue: String?, slaSecondsLeft: Int?) {
        self.caseInfo = caseInfo
        self.score = score
        self.parts = parts
        self.why = why
        self.waitingSince = waitingSince
        self.waitingSeconds = waitingSeconds
        self.slaDue = slaDue
        self.slaSecondsLeft = slaSecondsLeft
    }
}

public struct QueueListReply: Codable, Sendable, Equatable {
    public var items: [QueueItem]
    /// The time the scores were computed for.
    public var at: String
    /// Scores drift with time (waiting, SLA pressure) without any event: re-fetch at least this often.
    public var refreshSeconds: Int

    enum CodingKeys: String, CodingKey {
        case items, at
        case refreshSeconds = "refresh_seconds"
    }

    public init(items: [QueueItem], at: String, refreshSeconds: Int) {
        self.items = items
        self.at = at
        self.refreshSeconds = refreshSeconds
    }
}

/// `queue.next`: take the best case the caller may take.
public struct QueueNextRequest: Codable, Sendable {
    public var channel: String?
    public var skill: String?

    public init(channel: String? = nil, skill: String? = nil) {
        self.channel = channel
        self.skill = skill
    }
}

public struct QueueNextReply: Codable, Sendable, Equatable {
    /// The case now assigned to the caller, with the score it won with; nil: nothing to take.
    public var item: QueueItem?

    public init(item: QueueItem?) { self.item = item }
}
