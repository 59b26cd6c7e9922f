import SwarmProtocol

/// Contacts alike, counted together: the store keeps these per hour (updated on every write), so
/// a report over a month reads a few thousand tallies instead of every contact. Each field is
/// what `ReportContact` and its case would give; `count` says how many contacts share them.
public struct ReportContactTally: Sendable, Equatable {
    /// Hour (since 1970) the contacts were sent in.
    public var hour: Int64
    public var channel: String
    public var account: String?
    public var dedicated: Bool
    public var direction: Direction
    public var isDuplicate: Bool
    /// Outbound: the agent credited with the responses.
    public var responder: String?
    /// Inbound: the hour of the first response on the same case sent at or after the contact (nil: none yet).
    public var answerHour: Int64?
    /// The contacts' case: its owner, team and first inbound channel and account now.
    public var caseOwner: String?
    public var caseTeam: String?
    public var caseFirstChannel: String?
    public var caseFirstAccount: String?
    public var count: Int

    public init(hour: Int64, channel: String, account: String? = nil, dedicated: Bool = false, direction: Direction, isDuplicate: Bool = false,
                responder: String? = nil, answerHour: Int64? = nil, caseOwner: String? = nil, caseTeam: String? = nil,
                caseFirstChannel: String? = nil, caseFirstAccount: String? = nil, count: Int) {
        self.hour = hour
        self.channel = channel
        self.account = account
        self.dedicated = dedicated
        self.direction = direction
        self.isDuplicate = isDuplicate
        self.responder = responder
        self.answerHour = answerHour
        self.caseOwner = caseOwner
        self.caseTeam = caseTeam
        self.caseFirstChannel = caseFirstChannel
        self.caseFirstAccount = caseFirstAccount
        self.count = count
    }
}

extension Report {
    /// Whether hourly tallies give exactly the report `make(contacts:…)` gives for this query: the
    /// period must start and end on whole hours (a tally cannot be split), and topics group
    /// contacts by every topic of their case, which the tallies do not carry.
    public static func talliesSuffice(_ q: ReportQuery) -> Bool {
        q.from.truncatingRemainder(dividingBy: 3_600) == 0 && q.to.truncatingRemainder(dividingBy: 3_600) == 0 && q.groupBy != .topic
    }

    /// The report from hourly contact tallies instead of single contacts (`talliesSuffice` must
    /// hold). `tallies` are those of the period's hours, of every case; `cases` as for `make(contacts:…)`
    /// but may leave out cases whose only part in the period is a contact: the tallies name
    /// their groups.
    public static func make(tallies: [ReportContactTally], cases: [ReportCase], query q: ReportQuery,
                            sources: ReportSources) -> (figures: ReportFigures, groups: [ReportGroup]?) {
        var contacts = TallyGatherer(query: q)
        for i in tallies.indices { contacts.add(tallies[i]) }
        return make(tallies: contacts, gathered: gather(cases, query: q), query: q, sources: sources)
    }

    /// As `make(tallies:cases:…)` with the tallies and the cases already gathered as they were read
    /// (`TallyGatherer`, `CaseGatherer`).
    public static func make(tallies contacts: TallyGatherer, gathered keptCases: CaseGatherer, query q: ReportQuery,
                            sources: ReportSources) -> (figures: ReportFigures, groups: [ReportGroup]?) {
        let totalFigures = figures(contacts.total, keptCases.total, sources: sources)
        guard let by = q.groupBy else { return (totalFigures, nil) }
        switch by {
        case .hour, .day:
            let size = by == .hour ? 3_600.0 : 86_400
            return (totalFigures, timeGroups(size, totals: contacts.timed, cases: keptCases, query: q, sources: sources))
        case .channel, .account, .owner, .topic:
            return (totalFigures, keyedGroups(by, totals: contacts.keyed, caseKeys: contacts.caseKeys, cases: keptCases, query: q,
                                              sources: sources))
        }
    }

    /// As `keys(_:contact:theCase:)` for the tally's contacts.
    static func tallyKey(_ by: ReportGrouping, _ t: ReportContactTally) -> String {
        switch by {
        case .channel: return t.channel
        case .account: return t.account ?? noneKey
        case .owner, .topic, .hour, .day: return t.caseOwner ?? noneKey
        }
    }

    /// As `keys(_:theCase:)` for the tally's case.
    static func tallyCaseKey(_ by: ReportGrouping, _ t: ReportContactTally) -> String {
        switch by {
        case .channel: return t.caseFirstChannel ?? noneKey
        case .account: return t.caseFirstAccount ?? noneKey
        case .owner, .topic, .hour, .day: return t.caseOwner ?? noneKey
        }
    }
}
