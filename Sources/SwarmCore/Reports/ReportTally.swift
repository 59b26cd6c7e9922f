import SwarmProtocol

/// Contacts alike, counted together: the store keeps these per hour (updated on every write), so
/// a report over a month reads a few thousand tallies instead of every contact. Each field is
/// what `ReportContact` and its case would give; `count` says how many contacts share them.
public struct ReportContactTally: Sendable, Equatable {
    /// Hour (since 1970) the contacts were sent in; for a day tally, the first hour of its day.
    public var hour: Int64
    /// A day tally's hours: bit h when some of its contacts were sent in hour `hour + h` (1 for an hourly tally).
    public var hours: UInt32 = 1
    public var channel: String
    public var account: String?
    public var dedicated: Bool
    public var direction: Direction
    public var isDuplicate: Bool
    /// Outbound: the agent credited with the responses.
    public var responder: String?
    /// Inbound: the hour of the first response on the same case sent at or after the contact (nil:
    /// none yet); for a day tally, the first hour of that response's day.
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

    /// The UTC day (since 1970) of an hour since 1970, floored, so hours before 1970 fall in
    /// their own negative days: the day of a day tally, and of an agent-hour's mask.
    public static func day(ofHour hour: Int64) -> Int64 {
        hour >= 0 ? hour / 24 : (hour - 23) / 24
    }

    /// Whether day tallies (one per day instead of one per hour, with the hours their contacts
    /// were sent in as a mask) give the same report as hourly ones: the period starts and ends on
    /// whole UTC days and is not grouped by hour. A response then counts as answering within the
    /// period exactly when its day is before the period's end, as its hour would.
    public static func dayTalliesSuffice(_ q: ReportQuery) -> Bool {
        talliesSuffice(q) && q.from.truncatingRemainder(dividingBy: 86_400) == 0 && q.to.truncatingRemainder(dividingBy: 86_400) == 0
            && q.groupBy != .hour
    }

    /// The report from hourly contact tallies instead of single contacts (`talliesSuffice` must
    /// hold). `tallies` are those of the period's hours, of every case; `cases` as for `make(contacts:…)`
    /// but may leave out cases whose only part in the period is a contact: the tallies name
    /// their groups.
    public static func make(tallies: [ReportContactTally], cases: [ReportCase], query q: ReportQuery,
                            sources: ReportSources) -> (figures: ReportFigures, groups: [ReportGroup]?) {
        // Users and teams by made-up ids (names are unique, so the ids stand for them one to one).
        var userIds: [String: Int64] = [:], teamIds: [String: Int64] = [:]
        func id(_ name: String?, _ ids: inout [String: Int64]) -> Int64 {
            guard let name else { return 0 }
            if let id = ids[name] { return id }
            ids[name] = Int64(ids.count + 1)
            return Int64(ids.count)
        }
        var byIds: [ReportTallyIds] = []
        // The query's channel first, as `TallyGatherer.init` numbers it, then the tallies' texts in order.
        var texts = ReportTextIds()
        if let channel = q.channel { _ = texts.id(channel) }
        func text(_ s: String?) -> Int64 { s.map { texts.id($0) } ?? -1 }
        for t in tallies {
            byIds.append(ReportTallyIds(hour: t.hour, hours: t.hours, channel: text(t.channel), account: text(t.account), dedicated: t.dedicated,
                                        direction: t.direction, isDuplicate: t.isDuplicate, responder: id(t.responder, &userIds),
                                        answerHour: t.answerHour ?? -1, caseOwner: id(t.caseOwner, &userIds), caseTeam: id(t.caseTeam, &teamIds),
                                        caseFirstChannel: text(t.caseFirstChannel), caseFirstAccount: text(t.caseFirstAccount), count: t.count))
        }
        let names = ReportTallyNames(users: Dictionary(uniqueKeysWithValues: userIds.map { ($1, $0) }),
                                     teams: Dictionary(uniqueKeysWithValues: teamIds.map { ($1, $0) }))
        var contacts = TallyGatherer(query: q, names: names)
        contacts.texts = texts
        for i in byIds.indices { contacts.add(byIds[i]) }
        return make(tallies: contacts, gathered: gather(cases, query: q), query: q, sources: sources)
    }

    /// As `make(tallies:cases:…)` with the tallies and the cases already gathered as they were read
    /// (`TallyGatherer`, `CaseGatherer`).
    public static func make(tallies contacts: TallyGatherer, gathered keptCases: CaseGatherer, query q: ReportQuery,
                            sources: ReportSources) -> (figures: ReportFigures, groups: [ReportGroup]?) {
        let name = { (id: Int64) in contacts.texts.name(id) }
        let totalFigures = figures(contacts.total, keptCases.total, sources: sources, name: name, topicName: keptCases.topicName)
        guard let by = q.groupBy else { return (totalFigures, nil) }
        switch by {
        case .hour, .day:
            let size = by == .hour ? 3_600.0 : 86_400
            return (totalFigures, timeGroups(size, totals: contacts.timed, cases: keptCases, query: q, sources: sources, name: name))
        case .channel, .account, .owner, .topic:
            let named = contacts.named(by)
            return (totalFigures, keyedGroups(by, totals: named.totals, caseKeys: named.caseKeys, cases: keptCases, query: q,
                                              sources: sources, name: name))
        }
    }
}
