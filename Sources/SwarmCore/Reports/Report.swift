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
        let keptIds = Set(cases.lazy.filter { matches($0, q) }.map(\.id))
        let keptContacts = markAnswered(contacts, before: q.to).filter { c in
            if let channel = q.channel, c.channel != channel { return false }
            guard q.team != nil || q.owner != nil else { return true }
            return c.caseId.map { keptIds.contains($0) || (byId[$0].map { matches($0, q, ignoringChannel: true) } ?? false) } ?? false
        }
        // The kept cases, gathered once for the totals and the groups alike.
        let gathered = gather(cases, query: q)
        var totals = ContactTotals()
        for c in keptContacts where c.at >= q.from && c.at < q.to { totals.add(c) }
        let total = figures(totals, gathered.total, sources: sources, topicName: gathered.topicName)
        guard let groupBy = q.groupBy else { return (total, nil) }
        return (total, groups(groupBy, contacts: keptContacts, cases: gathered, byId: byId, query: q, sources: sources))
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

    /// The figures from a period's contact and case totals.
    static func figures(_ totals: ContactTotals, _ caseTotals: CaseTotals, sources: ReportSources,
                        topicName: (Int64) -> String) -> ReportFigures {
        figures(totals, caseTotals, sources: sources, name: { $0 }, topicName: topicName)
    }

    /// As above, with the channels and accounts of `totals` named by `name` (the topics of
    /// `caseTotals` are named by `topicName`).
    static func figures<Key>(_ totals: ContactCounts<Key>, _ caseTotals: CaseTotals, sources: ReportSources,
                             name: (Key) -> String, topicName: (Int64) -> String) -> ReportFigures {
        var f = ReportFigures()
        let credited = totals.apply(to: &f, sources: sources, name: name)
        caseTotals.apply(to: &f, credited: credited, sources: sources, topicName: topicName)
        return f
    }
}
