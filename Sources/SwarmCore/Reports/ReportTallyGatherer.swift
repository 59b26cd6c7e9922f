import SwarmProtocol

extension Report {
    /// The contact side of a tally report gathered as the tallies stream past, one at a time (as
    /// `CaseGatherer` does for cases): a month's ~43,000 hourly tallies are never held in an array
    /// nor copied into a filtered one, which cost as much as summing them. Everything is counted
    /// by id (`ReportTallyIds`); groups, channels and accounts get their names once, in `make`.
    public struct TallyGatherer {
        let query: ReportQuery
        let names: ReportTallyNames
        /// The ids of the tallies' texts: the reader fills it as it reads them.
        public var texts: ReportTextIds
        /// The channel asked for, as a text id.
        let channel: Int64?
        var total = ContactCounts<Int64>()
        var timed: [Int64: ContactCounts<Int64>] = [:]
        var keyed: [Int64: ContactCounts<Int64>] = [:]
        /// Keyed groupings: the groups named by the cases of the period's tallies (a case kept for a
        /// contact in the period names its group even when nothing of it is counted there).
        var caseKeys = Set<Int64>()

        public init(query: ReportQuery, names: ReportTallyNames) {
            self.query = query
            self.names = names
            var texts = ReportTextIds()
            channel = query.channel.map { texts.id($0) }
            self.texts = texts
        }

        public mutating func add(_ t: ReportTallyIds) {
            let q = query
            let start = Double(t.hour) * 3_600
            guard start >= q.from && start < q.to else { return }
            if let team = q.team, names.teams[t.caseTeam] != team { return }
            if let owner = q.owner, names.users[t.caseOwner] != owner { return }
            switch q.groupBy {
            case nil:
                if let channel, t.channel != channel { return }
                Self.add(t, q.to, names.users, to: &total)
            case .hour?, .day?:
                if let channel, t.channel != channel { return }
                Self.add(t, q.to, names.users, to: &total)
                let size = q.groupBy == .hour ? 3_600.0 : 86_400
                Self.add(t, q.to, names.users, to: &timed[Int64((start / size).rounded(.down)), default: ContactCounts()])
            case let by?:  // channel, account, owner, topic
                if channel == nil || t.caseFirstChannel == channel { caseKeys.insert(Self.caseKey(by, t)) }
                if let channel, t.channel != channel { return }
                Self.add(t, q.to, names.users, to: &total)
                Self.add(t, q.to, names.users, to: &keyed[Self.key(by, t), default: ContactCounts()])
            }
        }

        /// As `markAnswered`: an inbound contact is answered when its case's next response was sent before the period ends.
        /// A responder the report does not know (no such user) is not credited, as when responders were names.
        /// Static, not a method: a method reading `self` while `totals` (a part of `self`) is being
        /// written made the compiler copy `self`, and every tally then copied the totals' tables.
        private static func add(_ t: ReportTallyIds, _ end: Double, _ users: [Int64: String], to totals: inout ContactCounts<Int64>) {
            let answered = t.answerHour >= 0 && Double(t.answerHour) * 3_600 < end
            let responder: Int64? = t.direction == .outbound && users[t.responder] != nil ? t.responder : nil
            totals.add(direction: t.direction, channel: t.channel, account: t.account < 0 ? nil : t.account, dedicated: t.dedicated,
                       isDuplicate: t.isDuplicate, answered: answered, responder: responder, hour: t.hour, hours: t.hours, count: t.count)
        }

        /// The group of the tally's contacts: a text id for channel and account (-1 none), the case owner's user id otherwise.
        static func key(_ by: ReportGrouping, _ t: ReportTallyIds) -> Int64 {
            switch by {
            case .channel: return t.channel
            case .account: return t.account
            case .owner, .topic, .hour, .day: return t.caseOwner
            }
        }

        /// The group the tally's case names (its first inbound channel or account, or its owner).
        static func caseKey(_ by: ReportGrouping, _ t: ReportTallyIds) -> Int64 {
            switch by {
            case .channel: return t.caseFirstChannel
            case .account: return t.caseFirstAccount
            case .owner, .topic, .hour, .day: return t.caseOwner
            }
        }

        /// The group a key id stands for.
        func groupName(_ by: ReportGrouping, _ id: Int64) -> String {
            switch by {
            case .channel, .account: return id < 0 ? Report.noneKey : texts.name(id)
            case .owner, .topic, .hour, .day: return names.users[id] ?? Report.noneKey
            }
        }

        /// The keyed totals and case keys by group name (ids that share a name, such as an owner
        /// named like the none key, are one group, as when they were keyed by name).
        func named(_ by: ReportGrouping) -> (totals: [String: ContactCounts<Int64>], caseKeys: Set<String>) {
            var totals: [String: ContactCounts<Int64>] = [:]
            for (id, counts) in keyed { totals[groupName(by, id), default: ContactCounts()].merge(counts) }
            return (totals, Set(caseKeys.map { groupName(by, $0) }))
        }
    }
}
