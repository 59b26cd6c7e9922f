import SwarmProtocol

extension Report {
    /// The case side of a report gathered as the cases stream past, one at a time: each case the
    /// query keeps adds to the period's totals and to its group's (`CaseTotals`), so a month's
    /// 100,000 cases never need to be held in an array. Cases come by id (`ReportCaseIds`) and
    /// groups are keyed by id; names are looked up once per group (`named`).
    public struct CaseGatherer {
        public let query: ReportQuery
        let names: ReportTallyNames
        /// The ids of the cases' texts (channels, accounts, topics): the reader fills it as it reads them.
        public var texts: ReportTextIds
        /// The channel asked for, as a text id.
        let channel: Int64?
        var total: CaseTotals
        /// By owner row id (0: none) or text id (-1: none).
        var keyed: [Int64: CaseTotals] = [:]
        var timed: [Int64: CaseTotals] = [:]

        public init(query: ReportQuery, names: ReportTallyNames, texts: ReportTextIds = ReportTextIds()) {
            self.query = query
            self.names = names
            var texts = texts
            channel = query.channel.map { texts.id($0) }
            self.texts = texts
            total = CaseTotals(from: query.from, to: query.to)
        }

        /// Whether the query keeps the case (`Report.matches` by id).
        func matches(_ c: borrowing ReportCaseIds) -> Bool {
            if let channel, c.firstChannel != channel { return false }
            if let team = query.team, names.teams[c.team] != team { return false }
            if let owner = query.owner, names.users[c.owner] != owner { return false }
            return true
        }

        public mutating func add(_ c: borrowing ReportCaseIds) {
            guard matches(c) else { return }
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
            case .channel: addKeyed(c, c.firstChannel)
            case .account: addKeyed(c, c.firstAccount)
            case .owner: addKeyed(c, c.owner)
            case .topic:
                if c.topics.isEmpty { addKeyed(c, -1) } else { for t in Set(c.topics) { addKeyed(c, t) } }
            }
        }

        private mutating func addKeyed(_ c: borrowing ReportCaseIds, _ key: Int64) {
            keyed[key, default: CaseTotals(from: query.from, to: query.to)].add(c)
        }

        private mutating func addTimed(_ c: borrowing ReportCaseIds, _ b: Int64, _ size: Double) {
            timed[b, default: Report.timeBucketTotals(b, size, query)].add(c)
        }

        /// The group a key id stands for.
        func groupName(_ by: ReportGrouping, _ id: Int64) -> String {
            switch by {
            case .channel, .account, .topic: return id < 0 ? Report.noneKey : texts.name(id)
            case .owner, .hour, .day: return names.users[id] ?? Report.noneKey
            }
        }

        /// The keyed totals by group name (ids that share a name, such as an owner named like the
        /// none key or owners the report does not know, are one group, as when they were keyed by name).
        func named(_ by: ReportGrouping) -> [String: CaseTotals] {
            var out: [String: CaseTotals] = [:]
            for (id, totals) in keyed {
                let name = groupName(by, id)
                if out[name] == nil { out[name] = totals } else { out[name]!.merge(totals) }
            }
            return out
        }

        func topicName(_ id: Int64) -> String { texts.name(id) }
    }

    /// The case totals of one hour or day of the period (clipped to it).
    static func timeBucketTotals(_ b: Int64, _ size: Double, _ q: ReportQuery) -> CaseTotals {
        CaseTotals(from: max(q.from, Double(b) * size), to: min(q.to, Double(b + 1) * size))
    }

    /// Gathers `cases` (the array form of the report functions), numbered as the store numbers them.
    static func gather(_ cases: [ReportCase], query: ReportQuery) -> CaseGatherer {
        var numbering = ReportCaseNumbering()
        let byIds = cases.map { numbering.ids($0) }
        var g = CaseGatherer(query: query, names: numbering.names, texts: numbering.texts)
        for i in byIds.indices { g.add(byIds[i]) }
        return g
    }
}
