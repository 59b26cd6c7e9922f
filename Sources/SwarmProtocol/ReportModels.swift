/// `report.get` (PROTOCOL §26): service figures over a period, optionally per group.

/// How a report is split into groups. Times are grouped in UTC.
public enum ReportGrouping: String, Codable, Sendable, CaseIterable {
    case hour, day, channel, owner, topic, account
}

public struct ReportGetRequest: Codable, Sendable {
    /// Start of the period (RFC 3339, inclusive).
    public var from: String
    /// End of the period (RFC 3339, exclusive).
    public var to: String
    /// Only contacts on this contact channel, and cases whose customer first wrote on it.
    public var channel: ContactChannel?
    /// Only cases of this team channel (`ch_…` id or name).
    public var team: String?
    /// Only cases owned by this user (`u_…`, name or `me`).
    public var owner: String?
    public var groupBy: ReportGrouping?
    enum CodingKeys: String, CodingKey {
        case from, to, channel, team, owner
        case groupBy = "group_by"
    }
    public init(from: String, to: String, channel: ContactChannel? = nil, team: String? = nil, owner: String? = nil, groupBy: ReportGrouping? = nil) {
        self.from = from
        self.to = to
        self.channel = channel
        self.team = team
        self.owner = owner
        self.groupBy = groupBy
    }
}

/// Durations in seconds over the cases a figure covers; the statistics are absent when it covers none.
public struct DurationSummary: Codable, Sendable, Equatable {
    public var count: Int
    public var mean: Double?
    public var median: Double?
    public var p90: Double?
    public init(count: Int, mean: Double? = nil, median: Double? = nil, p90: Double? = nil) {
        self.count = count
        self.mean = mean
        self.median = median
        self.p90 = p90
    }
}

/// `count` of `of` met the condition; `share` = count ÷ of (absent when `of` is 0).
public struct Ratio: Codable, Sendable, Equatable {
    public var count: Int
    public var of: Int
    public var share: Double?
    public init(count: Int, of: Int, share: Double?) {
        self.count = count
        self.of = of
        self.share = share
    }
}

public struct ChannelVolume: Codable, Sendable, Equatable {
    public var channel: String
    public var count: Int
    public init(channel: String, count: Int) {
        self.channel = channel
        self.count = count
    }
}

public struct AccountVolume: Codable, Sendable, Equatable {
    public var account: String
    public var dedicated: Bool
    public var count: Int
    public init(account: String, dedicated: Bool, count: Int) {
        self.account = account
        self.dedicated = dedicated
        self.count = count
    }
}

public struct TopicCount: Codable, Sendable, Equatable {
    public var topic: String
    public var cases: Int
    public init(topic: String, cases: Int) {
        self.topic = topic
        self.cases = cases
    }
}

public struct CSATFigure: Codable, Sendable, Equatable {
    public var ratings: Int
    public var mean: Double?
    /// Share of ratings that were 4 or 5.
    public var satisfied: Double?
    public init(ratings: Int, mean: Double?, satisfied: Double?) {
        self.ratings = ratings
        self.mean = mean
        self.satisfied = satisfied
    }
}

/// Every figure of one report (or one group of it). Figures that depend on a part of the server
/// that is not installed are absent (see `ReportGetReply.unavailable`).
public struct ReportFigures: Codable, Sendable, Equatable {
    public var inbound: Int
    public var inboundByChannel: [ChannelVolume]
    public var inboundByAccount: [AccountVolume]
    public var duplicates: Int?
    public var responses: Int
    public var responseRate: Ratio
    public var cases: Int
    public var firstResponse: DurationSummary
    public var firstResponseBusiness: DurationSummary?
    public var withinSLA: Ratio?
    public var within24h: Ratio
    public var resolution: DurationSummary
    public var solved: Int
    public var agentHours: Int
    public var responsesPerAgentHour: Double?
    public var solvedPerAgentHour: Double?
    public var resolvedInFirstChannel: Ratio
    public var redirected: Ratio?
    public var handoffsPerCase: Double?
    public var closed: Int
    public var timeToArchive: DurationSummary
    public var topTopics: [TopicCount]?
    public var csat: CSATFigure?

    enum CodingKeys: String, CodingKey {
        case inbound, duplicates, responses, cases, resolution, solved, redirected, closed, csat
        case inboundByChannel = "inbound_by_channel"
        case inboundByAccount = "inbound_by_account"
        case responseRate = "response_rate"
        case firstResponse = "first_response"
        case firstResponseBusiness = "first_response_business"
        case withinSLA = "within_sla"
        case within24h = "within_24h"
        case agentHours = "agent_hours"
        case responsesPerAgentHour = "responses_per_agent_hour"
        case solvedPerAgentHour = "solved_per_agent_hour"
        case resolvedInFirstChannel = "resolved_in_first_channel"
        case handoffsPerCase = "handoffs_per_case"
        case timeToArchive = "time_to_archive"
        case topTopics = "top_topics"
    }

    public init(inbound: Int = 0, inboundByChannel: [ChannelVolume] = [], inboundByAccount: [AccountVolume] = [], duplicates: Int? = nil,
                responses: Int = 0, responseRate: Ratio = Ratio(count: 0, of: 0, share: nil), cases: Int = 0,
                firstResponse: DurationSummary = DurationSummary(count: 0), firstResponseBusiness: DurationSummary? = nil,
                withinSLA: Ratio? = nil, within24h: Ratio = Ratio(count: 0, of: 0, share: nil), resolution: DurationSummary = DurationSummary(count: 0),
                solved: Int = 0, agentHours: Int = 0, responsesPerAgentHour: Double? = nil, solvedPerAgentHour: Double? = nil,
                resolvedInFirstChannel: Ratio = Ratio(count: 0, of: 0, share: nil), redirected: Ratio? = nil, handoffsPerCase: Double? = nil,
                closed: Int = 0, timeToArchive: DurationSummary = DurationSummary(count: 0), topTopics: [TopicCount]? = nil, csat: CSATFigure? = nil) {
        self.inbound = inbound
        self.inboundByChannel = inboundByChannel
        self.inboundByAccount = inboundByAccount
        self.duplicates = duplicates
        self.responses = responses
        self.responseRate = responseRate
        self.cases = cases
        self.firstResponse = firstResponse
        self.firstResponseBusiness = firstResponseBusiness
        self.withinSLA = withinSLA
        self.within24h = within24h
        self.resolution = resolution
        self.solved = solved
        self.agentHours = agentHours
        self.responsesPerAgentHour = responsesPerAgentHour
        self.solvedPerAgentHour = solvedPerAgentHour
        self.resolvedInFirstChannel = resolvedInFirstChannel
        self.redirected = redirected
        self.handoffsPerCase = handoffsPerCase
        self.closed = closed
        self.timeToArchive = timeToArchive
        self.topTopics = topTopics
        self.csat = csat
    }
}

public struct ReportGroup: Codable, Sendable, Equatable {
    /// The hour or day's start (RFC 3339), the channel, owner name (`none` for unowned), topic or account.
    public var key: String
    public var figures: ReportFigures
    public init(key: String, figures: ReportFigures) {
        self.key = key
        self.figures = figures
    }
}

public struct ReportGetReply: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var groupBy: ReportGrouping?
    /// Whose figures these are: `all`, or the owner's name when narrowed to one owner (an agent's own report).
    public var scope: String
    public var figures: ReportFigures
    /// Present with `group_by`: hours and days in order including empty ones, other groups largest first.
    public var groups: [ReportGroup]?
    /// Figures left out because the part of the server that records them is not installed
    /// (`first_response_business`, `within_sla`, `duplicates`, `redirected`, `top_topics`, `csat`).
    public var unavailable: [String]
    enum CodingKeys: String, CodingKey {
        case from, to, scope, figures, groups, unavailable
        case groupBy = "group_by"
    }
    public init(from: String, to: String, groupBy: ReportGrouping?, scope: String, figures: ReportFigures, groups: [ReportGroup]?, unavailable: [String]) {
        self.from = from
        self.to = to
        self.groupBy = groupBy
        self.scope = scope
        self.figures = figures
        self.groups = groups
        self.unavailable = unavailable
    }
}
