import SwarmProtocol

/// The plain inputs of a report (PROTOCOL §26). The store fills them with SQL; the figures are
/// pure functions of them (`Report`), so every figure is unit-tested on a hand-computed fixture.
/// Times are seconds since 1970 (UTC).

/// One customer contact (a timeline `interaction`).
public struct ReportContact: Sendable, Equatable {
    public var at: Double
    public var channel: String
    /// The brand account reached, and whether it is dedicated to care (`intake.dedicated_accounts`).
    public var account: String?
    public var dedicated: Bool
    public var direction: Direction
    public var caseId: Int64?
    /// Outbound: the agent credited with the response (who posted it, or the case owner when a bot relayed it).
    public var responder: String?
    /// Outbound: the response sent the customer to another channel (care part; false until installed).
    public var isRedirect: Bool
    public var redirectTo: String?
    /// Inbound: a repeat of an earlier contact (dupes part; false until installed).
    public var isDuplicate: Bool
    /// Inbound: a response on the same case followed it before the end of the period (set by `Report`).
    public var answered: Bool

    public init(at: Double, channel: String, account: String? = nil, dedicated: Bool = false, direction: Direction, caseId: Int64?,
                responder: String? = nil, isRedirect: Bool = false, redirectTo: String? = nil, isDuplicate: Bool = false) {
        self.at = at
        self.channel = channel
        self.account = account
        self.dedicated = dedicated
        self.direction = direction
        self.caseId = caseId
        self.responder = responder
        self.isRedirect = isRedirect
        self.redirectTo = redirectTo
        self.isDuplicate = isDuplicate
        self.answered = false
    }
}

/// One case. Its start is the customer's first inbound contact, or its opening when it has none.
public struct ReportCase: Sendable, Equatable {
    public var id: Int64
    public var openedAt: Double
    public var firstInboundAt: Double?
    public var firstInboundChannel: String?
    public var firstInboundAccount: String?
    public var firstResponseAt: Double?
    /// First response time counted in the policy's business hours (sla part; nil until installed or reached).
    public var firstResponseBusinessSeconds: Double?
    /// First response within the SLA target (nil: no verdict yet).
    public var firstResponseMet: Bool?
    public var solvedAt: Double?
    public var closedAt: Double?
    /// The channel of the last response before the case was solved.
    public var resolvedChannel: String?
    /// A response redirected the customer to another channel (care part; nil until installed).
    public var redirected: Bool?
    public var owner: String?
    /// The team channel the case lives in.
    public var team: String?
    public var handoffs: Int
    public var topics: [String]
    public var csat: Int?
    public var csatAt: Double?

    public var start: Double { firstInboundAt ?? openedAt }

    /// Whether the first response met its target: the SLA clocks' verdict when they have one (the
    /// policy's target, in its calendar); otherwise, for a case the clocks do not judge, the case's
    /// fixed due time — met when the response came by then, missed when it has passed without one,
    /// no verdict yet before it. Times in seconds since 1970.
    public static func firstResponseVerdict(clocks: Bool?, firstResponseAt: Double?, dueAt: Double?, now: Double) -> Bool? {
        if let clocks { return clocks }
        guard let dueAt else { return nil }
        if let firstResponseAt { return firstResponseAt <= dueAt }
        return dueAt < now ? false : nil
    }

    public init(id: Int64, openedAt: Double, firstInboundAt: Double? = nil, firstInboundChannel: String? = nil, firstInboundAccount: String? = nil,
                firstResponseAt: Double? = nil, firstResponseBusinessSeconds: Double? = nil, firstResponseMet: Bool? = nil,
                solvedAt: Double? = nil, closedAt: Double? = nil, resolvedChannel: String? = nil, redirected: Bool? = nil,
                owner: String? = nil, team: String? = nil, handoffs: Int = 0, topics: [String] = [], csat: Int? = nil, csatAt: Double? = nil) {
        self.id = id
        self.openedAt = openedAt
        self.firstInboundAt = firstInboundAt
        self.firstInboundChannel = firstInboundChannel
        self.firstInboundAccount = firstInboundAccount
        self.firstResponseAt = firstResponseAt
        self.firstResponseBusinessSeconds = firstResponseBusinessSeconds
        self.firstResponseMet = firstResponseMet
        self.solvedAt = solvedAt
        self.closedAt = closedAt
        self.resolvedChannel = resolvedChannel
        self.redirected = redirected
        self.owner = owner
        self.team = team
        self.handoffs = handoffs
        self.topics = topics
        self.csat = csat
        self.csatAt = csatAt
    }
}

/// Which optional parts of the server recorded data for the report; a figure whose part is
/// missing is left out (and named in the reply's `unavailable`) rather than shown as zero.
public struct ReportSources: Sendable, Equatable {
    public var businessHours: Bool
    public var duplicates: Bool
    public var redirects: Bool
    public var topics: Bool
    public var csat: Bool

    public init(businessHours: Bool = false, duplicates: Bool = false, redirects: Bool = false, topics: Bool = false, csat: Bool = false) {
        self.businessHours = businessHours
        self.duplicates = duplicates
        self.redirects = redirects
        self.topics = topics
        self.csat = csat
    }

    public static let all = ReportSources(businessHours: true, duplicates: true, redirects: true, topics: true, csat: true)

    /// Wire names of the figures left out.
    public var unavailable: [String] {
        var out: [String] = []
        if !businessHours { out.append("first_response_business") }
        if !duplicates { out.append("duplicates") }
        if !redirects { out.append("redirected") }
        if !topics { out.append("top_topics") }
        if !csat { out.append("csat") }
        return out
    }
}

/// The period `[from, to)` and the narrowing of a report.
public struct ReportQuery: Sendable, Equatable {
    public var from: Double
    public var to: Double
    public var groupBy: ReportGrouping?
    public var channel: String?
    public var team: String?
    public var owner: String?

    public init(from: Double, to: Double, groupBy: ReportGrouping? = nil, channel: String? = nil, team: String? = nil, owner: String? = nil) {
        self.from = from
        self.to = to
        self.groupBy = groupBy
        self.channel = channel
        self.team = team
        self.owner = owner
    }

    /// Longest period of a report, and of one grouped by hour (so a reply stays a few hundred groups).
    public static let maxDays = 366.0
    public static let maxHourlyDays = 31.0

    /// Why the period is not acceptable, or nil.
    public var problem: String? {
        guard from < to else { return "from must be before to" }
        if to - from > Self.maxDays * 86_400 { return "a report covers at most \(Int(Self.maxDays)) days" }
        if groupBy == .hour, to - from > Self.maxHourlyDays * 86_400 { return "group_by hour covers at most \(Int(Self.maxHourlyDays)) days" }
        return nil
    }
}
