import SwarmProtocol

/// Who may see a case, and so everything that belongs to it: its title, thread, timeline entries,
/// facts, tickets, hand-offs and its place in another case's brief. This is the one rule; the
/// per-case check of every case op (`authorize`), the customer-wide views (timeline, brief) and the
/// delivery and replay of case events all ask it, so they cannot disagree. PROTOCOL.md §18.1.
public enum CaseVisibility {
    /// The person (or bot token) asking.
    public struct Reader: Sendable, Equatable {
        public var role: Role
        /// The token's limits: a bot sees only cases in channels its patterns match.
        public var scope: TokenScope

        public init(role: Role, scope: TokenScope = .unlimited) {
            self.role = role
            self.scope = scope
        }
    }

    /// What the rule needs to know about one case, as seen from one reader. Membership and swarm
    /// records are read *now*: someone who left the channel no longer sees its cases.
    public struct Facts: Sendable, Equatable {
        public var channelKind: ChannelKind
        public var channelName: String
        /// The reader is a member of the case's channel.
        public var isMember: Bool
        /// The reader was swarmed into the case (invited by `case.swarm` or joined by `case.join`).
        public var isSwarmed: Bool

        public init(channelKind: ChannelKind, channelName: String, isMember: Bool, isSwarmed: Bool) {
            self.channelKind = channelKind
            self.channelName = channelName
            self.isMember = isMember
            self.isSwarmed = isSwarmed
        }
    }

    /// May the reader see the case at all? Reading is what `case.get` grants, so a case is visible
    /// exactly when `case.get` on it would be allowed.
    public static func maySee(_ reader: Reader, _ facts: Facts) -> Bool {
        allows(CasePermissions.access(reader.role, .caseGet), reader, facts)
    }

    /// The per-case half of the permission table: given the access a role has to an op, may the
    /// reader use it on this case? Leads and admins see every case; agents the cases of public
    /// channels and of private channels they are in; marketing and product staff only cases they
    /// were swarmed into (channel membership alone is not enough: they may be in #support for the
    /// campaigns, not for every customer); bots only with a scoped token whose channel patterns
    /// match the case's channel.
    public static func allows(_ access: CaseAccess, _ reader: Reader, _ facts: Facts) -> Bool {
        switch access {
        case .none:
            return false
        case .swarmed:
            return facts.isSwarmed
        case .scoped:
            return reader.scope.ops != nil && reader.scope.allows(channel: facts.channelName)
        case .any:
            return Permissions.isStaffLead(reader.role) || facts.channelKind == .public || facts.isMember
        }
    }

    /// Timeline entries not tied to a case (a customer merge) describe the customer, not a case:
    /// they are shown to whoever may read the customer (`customer.timeline`, or the brief of a case
    /// they may see), so they need no rule of their own.

    /// A hand-off to a channel's queue is announced to that channel's members, now and whoever
    /// joins later. For a case in a private channel they are not, in general, people who may read
    /// it, so such a case may be queued only in its own channel; a public case anywhere.
    public static func mayQueue(caseChannelKind: ChannelKind, caseChannel: Int64, in target: Int64) -> Bool {
        caseChannelKind == .public || caseChannel == target
    }
}
