import SwarmProtocol

extension Report {
    /// The contact figures of one period, summed contact by contact (`make(contacts:…)`) or
    /// tally by tally (`make(tallies:…)`): both paths count through `add`, so the rules are one.
    /// `Key` names channels, accounts and agents: their names on the contact path, small ids on
    /// the tally path (hashing an integer per tally instead of a string; names are looked up once
    /// per group when the figures are written).
    struct ContactCounts<Key: Hashable> {
        var inbound = 0
        var responses = 0
        var duplicates = 0
        var answered = 0
        /// Responses with an agent to credit (the rest were relayed by a bot on an unowned case).
        var credited = 0
        var byChannel: [Key: Int] = [:]
        var byAccount: [Key: (dedicated: Bool, count: Int)] = [:]
        /// The hours each agent was credited with a response in, by agent and day (since 1970): bit h
        /// of the mask is hour h of that day. A day tally carries all its hours in one mask, so a
        /// month's report adds a few thousand masks instead of one (agent, hour) per hourly tally.
        var agentDays: [AgentDay<Key>: UInt32] = [:]

        /// `count` contacts alike, sent in the hours of `hours` counted from `hour` (hours since
        /// 1970; bit h is hour `hour + h`, within `hour`'s day): one hour (`hours` 1) for a contact
        /// or an hourly tally, any of the day's hours for a day tally.
        mutating func add(direction: Direction, channel: Key, account: Key?, dedicated: Bool, isDuplicate: Bool, answered isAnswered: Bool,
                          responder: Key?, hour: Int64, hours: UInt32 = 1, count: Int = 1) {
            switch direction {
            case .inbound:
                // A repeat of an earlier contact is counted apart, not as volume.
                if isDuplicate { duplicates += count; return }
                inbound += count
                byChannel[channel, default: 0] += count
                if let account {
                    let old = byAccount[account] ?? (false, 0)
                    byAccount[account] = (old.dedicated || dedicated, old.count + count)
                }
                if isAnswered { answered += count }
            case .outbound:
                responses += count
                if let responder {
                    credited += count
                    let day = Report.day(ofHour: hour)
                    agentDays[AgentDay(agent: responder, day: day), default: 0] |= hours << UInt32(hour - day * 24)
                }
            }
        }

        /// Adds `other`'s counts (two ids that name one group, such as an owner named like the none key).
        mutating func merge(_ other: ContactCounts) {
            inbound += other.inbound
            responses += other.responses
            duplicates += other.duplicates
            answered += other.answered
            credited += other.credited
            byChannel.merge(other.byChannel, uniquingKeysWith: +)
            byAccount.merge(other.byAccount) { ($0.dedicated || $1.dedicated, $0.count + $1.count) }
            agentDays.merge(other.agentDays) { $0 | $1 }
        }

        /// Writes the contact figures into `f`, naming channels and accounts by `name` (one-to-one:
        /// user and channel names are unique); returns the credited responses (for responses per agent-hour).
        func apply(to f: inout ReportFigures, sources: ReportSources, name: (Key) -> String) -> Int {
            f.inbound = inbound
            f.responses = responses
            f.inboundByChannel = byChannel.map { ChannelVolume(channel: name($0.key), count: $0.value) }
                .sorted { ($0.count, $1.channel) > ($1.count, $0.channel) }
            f.inboundByAccount = byAccount.map { AccountVolume(account: name($0.key), dedicated: $0.value.dedicated, count: $0.value.count) }
                .sorted { ($0.count, $1.account) > ($1.count, $0.account) }
            f.duplicates = sources.duplicates ? duplicates : nil
            f.responseRate = ReportStats.ratio(answered, of: inbound)
            f.agentHours = agentDays.values.reduce(0) { $0 + $1.nonzeroBitCount }
            return credited
        }
    }

    /// The contact path's totals, named by strings.
    typealias ContactTotals = ContactCounts<String>

    struct AgentDay<Agent: Hashable>: Hashable {
        var agent: Agent
        var day: Int64
    }
}
