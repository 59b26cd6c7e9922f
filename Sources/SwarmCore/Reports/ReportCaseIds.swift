import SwarmProtocol

/// A `ReportCase` with its names as ids, as `ReportTallyIds` is for tallies: channels, accounts
/// and topics as ids of the report's `ReportTextIds`, the owner and team by row id. A month's
/// report passes 100,000 cases through `Report.CaseGatherer`; a plain value per case (no
/// `String`, no array unless it has topics) and integer group keys are what make that cheap.
/// Names are looked up once per group, when the figures are written.
public struct ReportCaseIds: Sendable {
    public var openedAt: Double
    public var firstInboundAt: Double?
    /// -1: none (no inbound contact).
    public var firstChannel: Int64
    public var firstAccount: Int64
    public var firstResponseAt: Double?
    public var firstResponseBusinessSeconds: Double?
    public var firstResponseMet: Bool?
    public var solvedAt: Double?
    public var closedAt: Double?
    /// -1: none.
    public var resolvedChannel: Int64
    public var redirected: Bool?
    /// 0: unowned.
    public var owner: Int64
    /// 0: none.
    public var team: Int64
    public var handoffs: Int
    /// Text ids, as tagged (a topic tagged twice is there twice).
    public var topics: [Int64]
    public var csat: Int?
    public var csatAt: Double?

    public var start: Double { firstInboundAt ?? openedAt }

    public init(openedAt: Double, firstInboundAt: Double?, firstChannel: Int64, firstAccount: Int64, firstResponseAt: Double?,
                firstResponseBusinessSeconds: Double?, firstResponseMet: Bool?, solvedAt: Double?, closedAt: Double?, resolvedChannel: Int64,
                redirected: Bool?, owner: Int64, team: Int64, handoffs: Int, topics: [Int64], csat: Int?, csatAt: Double?) {
        self.openedAt = openedAt
        self.firstInboundAt = firstInboundAt
        self.firstChannel = firstChannel
        self.firstAccount = firstAccount
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

/// The array form of the report functions numbers its cases' names the way the store does,
/// so both run the same gathering code.
struct ReportCaseNumbering {
    var texts = ReportTextIds()
    var users: [String: Int64] = [:]
    var teams: [String: Int64] = [:]

    mutating func ids(_ c: ReportCase) -> ReportCaseIds {
        func text(_ s: String?) -> Int64 { s.map { texts.id($0) } ?? -1 }
        return ReportCaseIds(openedAt: c.openedAt, firstInboundAt: c.firstInboundAt, firstChannel: text(c.firstInboundChannel),
                             firstAccount: text(c.firstInboundAccount), firstResponseAt: c.firstResponseAt,
                             firstResponseBusinessSeconds: c.firstResponseBusinessSeconds, firstResponseMet: c.firstResponseMet,
                             solvedAt: c.solvedAt, closedAt: c.closedAt, resolvedChannel: text(c.resolvedChannel), redirected: c.redirected,
                             owner: Self.id(c.owner, &users), team: Self.id(c.team, &teams), handoffs: c.handoffs,
                             topics: c.topics.map { texts.id($0) }, csat: c.csat, csatAt: c.csatAt)
    }

    /// Made-up row ids from 1 (names are unique, so the ids stand for them one to one); 0 for none.
    static func id(_ name: String?, _ ids: inout [String: Int64]) -> Int64 {
        guard let name else { return 0 }
        if let id = ids[name] { return id }
        ids[name] = Int64(ids.count + 1)
        return Int64(ids.count)
    }

    var names: ReportTallyNames {
        ReportTallyNames(users: Dictionary(uniqueKeysWithValues: users.map { ($1, $0) }),
                         teams: Dictionary(uniqueKeysWithValues: teams.map { ($1, $0) }))
    }
}
