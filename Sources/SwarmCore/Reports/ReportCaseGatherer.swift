import SwarmProtocol

extension Report {
    /// The case side of a report gathered as the cases stream past, one at a time: each case the
    /// query keeps adds to the period's totals and to its group's (`CaseTotals`), so a month's
    /// 100,000 cases never need to be held in an array.
    public struct CaseGatherer {
        let query: ReportQuery
        var total: CaseTotals
        var keyed: [String: CaseTotals] = [:]
        var timed: [Int64: CaseTotals] = [:]

        public init(query: ReportQuery) {
            self.query = query
            total = CaseTotals(from: query.from, to: query.to)
        }

        public mutating func add(_ c: borrowing ReportCase) {
            guard Report.matches(c, query) else { return }
            total.add(c)
            guard let by = query.groupBy else { return }
            switch by {
            case .hour, .day:
                let size = by == .hour ? 3_600.0 : 86_400
                let q = query
                // Each bucket once, however many of the case's times fall in it (no array per case:
                // a month's report passes 100,000 cases through here).
                let started = bucket(c.start, size, q), solved = bucket(c.solvedAt, size, q)
                let closed = bucket(c.closedAt, size, q), rated = bucket(c.csatAt, size, q)
                if let started { addTimed(c, started, size) }
                if let solved, solved != started { addTimed(c, solved, size) }
                if let closed, closed != started, closed != solved { addTimed(c, closed, size) }
                if let rated, rated != started, rated != solved, rated != closed { addTimed(c, rated, size) }
            case .channel, .account, .owner:
                keyed[key(by, theCase: c), default: CaseTotals(from: query.from, to: query.to)].add(c)
            case .topic:
                for key in keys(by, theCase: c) { keyed[key, default: CaseTotals(from: query.from, to: query.to)].add(c) }
            }
        }

        private mutating func addTimed(_ c: borrowing ReportCase, _ b: Int64, _ size: Double) {
            timed[b, default: Report.timeBucketTotals(b, size, query)].add(c)
        }
    }

    /// The case totals of one hour or day of the period (clipped to it).
    static func timeBucketTotals(_ b: Int64, _ size: Double, _ q: ReportQuery) -> CaseTotals {
        CaseTotals(from: max(q.from, Double(b) * size), to: min(q.to, Double(b + 1) * size))
    }

    /// Gathers `cases` (the array form of the report functions).
    static func gather(_ cases: [ReportCase], query: ReportQuery) -> CaseGatherer {
        var g = CaseGatherer(query: query)
        for i in cases.indices { g.add(cases[i]) }
        return g
    }
}
