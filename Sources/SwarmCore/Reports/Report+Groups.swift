import Foundation
import SwarmProtocol

extension Report {
    /// Key of records that have none for the grouping (no account, unowned, no topic).
    public static let noneKey = "none"

    static func groups(_ by: ReportGrouping, contacts: [ReportContact], cases: [ReportCase], byId: [Int64: ReportCase],
                       query q: ReportQuery, sources: ReportSources) -> [ReportGroup] {
        switch by {
        case .hour, .day:
            return timeGroups(by == .hour ? 3_600 : 86_400, contacts: contacts, cases: cases, query: q, sources: sources)
        case .channel, .owner, .topic, .account:
            var groupedContacts: [String: [ReportContact]] = [:]
            var groupedCases: [String: [ReportCase]] = [:]
            for c in contacts {
                for key in keys(by, contact: c, theCase: c.caseId.flatMap { byId[$0] }) { groupedContacts[key, default: []].append(c) }
            }
            for c in cases { for key in keys(by, theCase: c) { groupedCases[key, default: []].append(c) } }
            let all = Set(groupedContacts.keys).union(groupedCases.keys)
            return all.map { key in
                ReportGroup(key: key, figures: figures(contacts: groupedContacts[key] ?? [], cases: groupedCases[key] ?? [],
                                                       from: q.from, to: q.to, sources: sources))
            }.sorted { ($0.figures.inbound, $0.figures.cases, $1.key) > ($1.figures.inbound, $1.figures.cases, $0.key) }
        }
    }

    static func keys(_ by: ReportGrouping, contact c: ReportContact, theCase: ReportCase?) -> [String] {
        switch by {
        case .channel: return [c.channel]
        case .account: return [c.account ?? noneKey]
        case .owner, .topic: return theCase.map { keys(by, theCase: $0) } ?? [noneKey]
        case .hour, .day: return []
        }
    }

    static func keys(_ by: ReportGrouping, theCase c: ReportCase) -> [String] {
        switch by {
        case .channel: return [c.firstInboundChannel ?? noneKey]
        case .account: return [c.firstInboundAccount ?? noneKey]
        case .owner: return [c.owner ?? noneKey]
        case .topic: return c.topics.isEmpty ? [noneKey] : Array(Set(c.topics)).sorted()
        case .hour, .day: return []
        }
    }

    /// Every hour or day of the period in order, empty ones included (charts need them). Each
    /// record goes to the buckets of its own times, so a case solved a day after it started counts
    /// as started in one and solved in the other, exactly as in separate reports for the two days.
    static func timeGroups(_ size: Double, contacts: [ReportContact], cases: [ReportCase], query q: ReportQuery,
                           sources: ReportSources) -> [ReportGroup] {
        let first = Int64((q.from / size).rounded(.down))
        let last = Int64((q.to / size).rounded(.up)) - 1
        guard last >= first else { return [] }
        func bucket(_ t: Double?) -> Int64? {
            guard let t, t >= q.from, t < q.to else { return nil }
            return Int64((t / size).rounded(.down))
        }
        var groupedContacts: [Int64: [ReportContact]] = [:]
        var groupedCases: [Int64: [ReportCase]] = [:]
        for c in contacts { if let b = bucket(c.at) { groupedContacts[b, default: []].append(c) } }
        for c in cases {
            for b in Set([bucket(c.start), bucket(c.solvedAt), bucket(c.closedAt), bucket(c.csatAt)].compactMap { $0 }) {
                groupedCases[b, default: []].append(c)
            }
        }
        return (first...last).map { b in
            let start = max(q.from, Double(b) * size)
            let end = min(q.to, Double(b + 1) * size)
            return ReportGroup(key: Timestamp.format(Date(timeIntervalSince1970: Double(b) * size)),
                               figures: figures(contacts: groupedContacts[b] ?? [], cases: groupedCases[b] ?? [], from: start, to: end, sources: sources))
        }
    }
}
