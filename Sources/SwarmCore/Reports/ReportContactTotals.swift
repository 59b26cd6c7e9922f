import SwarmProtocol

extension Report {
    /// The contact figures of one period, summed contact by contact (`make(contacts:…)`) or
    /// tally by tally (`make(tallies:…)`): both paths count through `add`, so the rules are one.
    struct ContactTotals {
        var inbound = 0
        var responses = 0
        var duplicates = 0
        var answered = 0
        /// Responses with an agent to credit (the rest were relayed by a bot on an unowned case).
        var credited = 0
        var byChannel: [String: Int] = [:]
        var byAccount: [String: (dedicated: Bool, count: Int)] = [:]
        var agentHours = Set<AgentHour>()

        /// `count` contacts alike; `hour` is the hour (since 1970) they were sent in.
        mutating func add(direction: Direction, channel: String, account: String?, dedicated: Bool, isDuplicate: Bool, answered isAnswered: Bool,
                          responder: String?, hour: Int64, count: Int = 1) {
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

        /// Writes the contact figures into `f`; returns the credited responses (for responses per agent-hour).
        func apply(to f: inout ReportFigures, sources: ReportSources) -> Int {
            f.inbound = inbound
            f.responses = responses
            f.inboundByChannel = byChannel.map { ChannelVolume(channel: $0.key, count: $0.value) }
                .sorted { ($0.count, $1.channel) > ($1.count, $0.channel) }
            f.inboundByAccount = byAccount.map { AccountVolume(account: $0.key, dedicated: $0.value.dedicated, count: $0.value.count) }
                .sorted { ($0.count, $1.account) > ($1.count, $0.account) }
            f.duplicates = sources.duplicates ? duplicates : nil
            f.responseRate = ReportStats.ratio(answered, of: inbound)
            f.agentHours = agentHours.count
            return credited
        }
    }

    struct AgentHour: Hashable {
        var agent: String
        var hour: Int64
    }
}
