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
        var agentHours = Set<AgentHour<Key>>()

        /// `count` contacts alike; `hour` is the hour (since 1970) they were sent in.
        mutating func add(direction: Direction, channel: Key, account: Key?, dedicated: Bool, isDuplicate: Bool, answered isAnswered: Bool,
                          responder: Key?, hour: Int64, count: Int = 1) {
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
                    agentHours.insert(AgentHour(agent: responder, hour: hour))
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
            agentHours.formUnion(other.agentHours)
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
            f.agentHours = agentHours.count
            return credited
        }
    }

    /// The contact path's totals, named by strings.
    typealias ContactTotals = ContactCounts<String>

    struct AgentHour<Agent: Hashable>: Hashable {
        var agent: Agent
        var hour: Int64
    }
}
