import SwarmProtocol

extension Report {
    /// The contact side of a tally report gathered as the tallies stream past, one at a time (as
    /// `CaseGatherer` does for cases): a month's ~43,000 hourly tallies are never held in an array
    /// nor copied into a filtered one, which cost as much as summing them.
    public struct TallyGatherer {
        let query: ReportQuery
        var total = ContactTotals()
        var timed: [Int64: ContactTotals] = [:]
        var keyed: [String: ContactTotals] = [:]
        /// Keyed groupings: the groups named by the cases of the period's tallies (a case kept for a
        /// contact in the period names its group even when nothing of it is counted there).
        var caseKeys = Set<String>()

        public init(query: ReportQuery) {
            self.query = query
        }

        public mutating func add(_ t: borrowing ReportContactTally) {
            let q = query
            let start = Double(t.hour) * 3_600
            guard start >= q.from && start < q.to else { return }
            if let team = q.team, t.caseTeam != team { return }
            if let owner = q.owner, t.caseOwner != owner { return }
            switch q.groupBy {
            case nil:
                if let channel = q.channel, t.channel != channel { return }
                Self.add(t, before: q.to, to: &total)
            case .hour?, .day?:
                if let channel = q.channel, t.channel != channel { return }
                Self.add(t, before: q.to, to: &total)
                let size = q.groupBy == .hour ? 3_600.0 : 86_400
                Self.add(t, before: q.to, to: &timed[Int64((start / size).rounded(.down)), default: ContactTotals()])
            case let by?:  // channel, account, owner, topic
                if q.channel == nil || t.caseFirstChannel == q.channel { caseKeys.insert(tallyCaseKey(by, t)) }
                if let channel = q.channel, t.channel != channel { return }
                Self.add(t, before: q.to, to: &total)
                Self.add(t, before: q.to, to: &keyed[tallyKey(by, t), default: ContactTotals()])
            }
        }

        /// As `markAnswered`: an inbound contact is answered when its case's next response was sent before the period ends.
        private static func add(_ t: borrowing ReportContactTally, before end: Double, to totals: inout ContactTotals) {
            var answered = false
            if let hour = t.answerHour { answered = Double(hour) * 3_600 < end }
            totals.add(direction: t.direction, channel: t.channel, account: t.account, dedicated: t.dedicated, isDuplicate: t.isDuplicate,
                       answered: answered, responder: t.responder, hour: t.hour, count: t.count)
        }
    }
}
