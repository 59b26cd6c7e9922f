import SwarmProtocol

/// Who may do what, with no I/O: the store asks these questions inside its transactions.
public enum Permissions {
    public static func isStaffLead(_ role: Role) -> Bool { role == .lead || role == .admin }

    /// Bots post into channels they are members of but do not shape the workspace.
    public static func mayCreateChannel(_ role: Role) -> Bool { role != .bot }

    public static func mayManageUsers(_ role: Role) -> Bool { role == .admin }

    /// Edit and delete: the author, or a lead/admin moderating.
    public static func mayModify(messageAuthor: Int64, actor: Int64, actorRole: Role) -> Bool {
        messageAuthor == actor || isStaffLead(actorRole)
    }

    /// Old versions are an audit trail: the author and leads/admins may read them.
    public static func mayReadVersions(messageAuthor: Int64, actor: Int64, actorRole: Role) -> Bool {
        mayModify(messageAuthor: messageAuthor, actor: actor, actorRole: actorRole)
    }

    /// Reading history and searching: members always; anyone for public channels.
    public static func mayRead(kind: ChannelKind, isMember: Bool) -> Bool {
        isMember || kind == .public
    }

    /// Posting needs membership (joining a public channel is one op away).
    public static func mayPost(isMember: Bool) -> Bool { isMember }

    public static func mayJoin(kind: ChannelKind, role: Role) -> Bool {
        kind == .public || (kind == .private && role == .admin)
    }

    /// Members may invite into private channels; anyone may invite into public ones; DMs are fixed.
    public static func mayInvite(kind: ChannelKind, inviterIsMember: Bool, role: Role) -> Bool {
        switch kind {
        case .dm: return false
        case .public: return inviterIsMember || isStaffLead(role)
        case .private: return inviterIsMember || role == .admin
        }
    }
}
