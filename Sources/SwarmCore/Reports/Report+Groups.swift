import Foundation
import SwarmProtocol

extension Report {
    /// Key of records that have none for the grouping (no account, unowned, no topic).
    public static let noneKey = "none"

    static func groups(_ by: ReportGrouping, contacts: [ReportContact], cases: CaseGatherer, byId: [Int64: ReportCase],
                       query q: ReportQuery, sources: ReportSources) -> [ReportGroup] {
        switch by {
        case .hour, .day:
            let size = by == .hour ? 3_600.0 : 86_400
            var totals: [Int64: ContactTotals] = [:]
            for c in contacts {
                guard let b = bucket(c.at, size, q) else { continue }
                totals[b, default: ContactTotals()].add(c)
            }
            return timeGroups(size, totals: totals, cases: cases, query: q, sources: sources)
        case .channel, .owner, .topic, .account:
            var totals: [String: ContactTotals] = [:]
            for c in contacts {
                // A contact outside the period still names its group (with nothing counted in it).
                let counted = c.at >= q.from && c.at < q.to
                for key in keys(by, contact: c, theCase: c.caseId.flatMap { byId[$0] }) {
                    if counted { totals[key, default: ContactTotals()].add(c) } else if totals[key] == nil { totals[key] = ContactTotals() }
                }
            }
            return keyedGroups(by, totals: totals, caseKeys: [], cases: cases, query: q, sources: sources)
        }
    }

    /// One group per key of a contact or a case, the busiest first.
    static func keyedGroups(_ by: ReportGrouping, totals: [String: ContactTotals], caseKeys: Set<String>, cases: CaseGatherer,
                            query q: ReportQuery, sources: ReportSources) -> [ReportGroup] {
        keyedGroups(by, totals: totals, caseKeys: caseKeys, cases: cases, query: q, sources: sources) { $0 }
    }

    /// As above, with the channels and accounts of `totals` named by `name`.
    static func keyedGroups<Key>(_ by: ReportGrouping, totals: [String: ContactCounts<Key>], caseKeys: Set<String>, cases: CaseGatherer,
                                 query q: ReportQuery, sources: ReportSources, name: (Key) -> String) -> [ReportGroup] {
        let empty = CaseTotals(from: q.from, to: q.to)
        let keyed = cases.named(by)
        let all = Set(totals.keys).union(keyed.keys).union(caseKeys)
        return all.map { key in
            ReportGroup(key: key, figures: figures(totals[key] ?? ContactCounts(), keyed[key] ?? empty, sources: sources, name: name,
                                                   topicName: cases.topicName))
        }.sorted { ($0.figures.inbound, $0.figures.cases, $1.key) > ($1.figures.inbound, $1.figures.cases, $0.key) }
    }

    /// The hour or day (since 1970) of a time inside the period, or nil.
    static func bucket(_ t: Double?, _ size: Double, _ q: ReportQuery) -> Int64? {
        guard let t, t >= q.from, t < q.to else { return nil }
        return Int64((t / size).rounded(.down))
    }

    static func keys(_ by: ReportGrouping, contact c: ReportContact, theCase: ReportCase?) -> [String] {
        switch by {
        case .channel: return [c.channel]
        case .account: return [c.account ?? noneKey]
        case .owner, .topic: return theCase.map { keys(by, theCase: $0) } ?? [noneKey]
        case .hour, .day: return []
        }
    }

    static func keys(_ by: ReportGrouping, theCase c: borrowing ReportCase) -> [String] {
        switch by {
        case .channel, .account, .owner: return [key(by, theCase: c)]
        case .topic: return c.topics.isEmpty ? [noneKey] : Array(Set(c.topics)).sorted()
        case .hour, .day: return []
        }
    }

    /// The one key of a case in a grouping that gives each case one (channel, account, owner).
    static func key(_ by: ReportGrouping, theCase c: borrowing ReportCase) -> String {
        switch by {
        case .channel: return c.firstInboundChannel ?? noneKey
        case .account: return c.firstInboundAccount ?? noneKey
        case .owner: return c.owner ?? noneKey
        case .topic, .hour, .day: preconditionFailure("\(by) gives a case no single key")
        }
    }

    /// Every hour or day of the period in order, empty ones included (charts need them). Each
    /// record goes to the buckets of its own times, so a case solved a day after it started counts
    /// as started in one and solved in the other, exactly as in separate reports for the two days.
    static func timeGroups(_ size: Double, totals: [Int64: ContactTotals], cases: CaseGatherer, query q: ReportQuery,
                           sources: ReportSources) -> [ReportGroup] {
        timeGroups(size, totals: totals, cases: cases, query: q, sources: sources) { $0 }
    }

    /// As above, with the channels and accounts of `totals` named by `name`.
    static func timeGroups<Key>(_ size: Double, totals: [Int64: ContactCounts<Key>], cases: CaseGatherer, query q: ReportQuery,
                                sources: ReportSources, name: (Key) -> String) -> [ReportGroup] {
        let first = Int64((q.from / size).rounded(.down))
        let last = Int64((q.to / size).rounded(.up)) - 1
        guard last >= first else { return [] }
        return (first...last).map { b in
            ReportGroup(key: Timestamp.format(Date(timeIntervalSince1970: Double(b) * size)),
                        figures: figures(totals[b] ?? ContactCounts(), cases.timed[b] ?? timeBucketTotals(b, size, q), sources: sources,
                                         name: name, topicName: cases.topicName))
        }
    }
}

extension Report.ContactTotals {
    mutating func add(_ c: ReportContact) {
        add(direction: c.direction, channel: c.channel, account: c.account, dedicated: c.dedicated, isDuplicate: c.isDuplicate,
            answered: c.answered, responder: c.responder, hour: Int64((c.at / 3600).rounded(.down)))
    }
}
