import SwarmProtocol

/// The report figures (PROTOCOL §26) as pure functions of contacts and cases. The caller passes
/// every contact of the period and every case those contacts belong to or that started, was
/// solved, closed or rated in it; each figure picks the records its own definition counts.
public enum Report {
    public static let topTopicsLimit = 10

    /// The whole report: totals over the period and, with `groupBy`, one set of figures per group.
    public static func make(contacts: [ReportContact], cases: [ReportCase], query q: ReportQuery,
                            sources: ReportSources) -> (figures: ReportFigures, groups: [ReportGroup]?) {
        let byId = Dictionary(cases.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let keptCases = cases.filter { matches($0, q) }
        let keptIds = Set(keptCases.map(\.id))
        let keptContacts = markAnswered(contacts, before: q.to).filter { c in
            if let channel = q.channel, c.channel != channel { return false }
            guard q.team != nil || q.owner != nil else { return true }
            return c.caseId.map { keptIds.contains($0) || (byId[$0].map { matches($0, q, ignoringChannel: true) } ?? false) } ?? false
        }
        let total = figures(contacts: keptContacts, cases: keptCases, from: q.from, to: q.to, sources: sources)
        guard let groupBy = q.groupBy else { return (total, nil) }
        return (total, groups(groupBy, contacts: keptContacts, cases: keptCases, byId: byId, query: q, sources: sources))
    }

    static func matches(_ c: ReportCase, _ q: ReportQuery, ignoringChannel: Bool = false) -> Bool {
        if !ignoringChannel, let channel = q.channel, c.firstInboundChannel != channel { return false }
        if let team = q.team, c.team != team { return false }
        if let owner = q.owner, c.owner != owner { return false }
        return true
    }

    /// An inbound contact is answered when a response on the same case was sent at or after it and
    /// before the end of the period.
    static func markAnswered(_ contacts: [ReportContact], before end: Double) -> [ReportContact] {
        var lastResponse: [Int64: Double] = [:]
        for c in contacts where c.direction == .outbound && c.at < end {
            if let id = c.caseId, c.at > (lastResponse[id] ?? -.infinity) { lastResponse[id] = c.at }
        }
        return contacts.map { c in
            var c = c
            if c.direction == .inbound, let id = c.caseId, let last = lastResponse[id] { c.answered = last >= c.at }
            return c
        }
    }

    /// The figures over one period (the report's, or one hour or day of it).
    public static func figures(contacts: [ReportContact], cases: [ReportCase], from: Double, to: Double, sources: ReportSources) -> ReportFigures {
        func inPeriod(_ t: Double?) -> Bool { t.map { $0 >= from && $0 < to } ?? false }
        var totals = ContactTotals()
        for c in contacts where inPeriod(c.at) { totals.add(c) }
        return figures(totals, cases: cases, from: from, to: to, sources: sources)
    }

    /// The figures over one period from its contacts' totals (`ContactTotals`) and its cases.
    static func figures(_ totals: ContactTotals, cases: [ReportCase], from: Double, to: Double, sources: ReportSources) -> ReportFigures {
        var caseTotals = CaseTotals(from: from, to: to)
        for i in cases.indices { caseTotals.add(cases[i]) }
        return figures(totals, caseTotals, sources: sources)
    }

    /// The figures from a period's contact and case totals.
    static func figures(_ totals: ContactTotals, _ caseTotals: CaseTotals, sources: ReportSources) -> ReportFigures {
        var f = ReportFigures()
        let credited = totals.apply(to: &f, sources: sources)
        caseTotals.apply(to: &f, credited: credited, sources: sources)
        return f
    }
}
