/// `inbox.list`: what needs the caller, gathered for a client that was closed while it arrived.

public struct InboxListRequest: Codable, Sendable {
    /// Most items of each kind, 1–100 (default 50).
    public var limit: Int?
    public init(limit: Int? = nil) { self.limit = limit }
}

/// A case handed to the caller that they have not opened since: its case and the latest hand-off.
public struct InboxHandoff: Codable, Sendable, Equatable {
    public var caseInfo: Case
    public var handoff: Handoff
    enum CodingKeys: String, CodingKey {
        case caseInfo = "case"
        case handoff
    }
    public init(caseInfo: Case, handoff: Handoff) {
        self.caseInfo = caseInfo
        self.handoff = handoff
    }
}

/// A swarm invitation the caller has not joined.
public struct InboxInvitation: Codable, Sendable, Equatable {
    public var caseInfo: Case
    public var invitedBy: String
    public var invitedByName: String
    public var invitedAt: String
    enum CodingKeys: String, CodingKey {
        case caseInfo = "case"
        case invitedBy = "invited_by"
        case invitedByName = "invited_by_name"
        case invitedAt = "invited_at"
    }
    public init(caseInfo: Case, invitedBy: String, invitedByName: String, invitedAt: String) {
        self.caseInfo = caseInfo
        self.invitedBy = invitedBy
        self.invitedByName = invitedByName
        self.invitedAt = invitedAt
    }
}

public struct InboxListReply: Codable, Sendable, Equatable {
    /// Newest first, each list.
    public var handoffs: [InboxHandoff]
    public var invitations: [InboxInvitation]
    /// Unread messages that mention the caller.
    public var mentions: [Message]
    /// Active cases nobody owns: opened by a bot (`new`) or handed to a channel's queue.
    public var newCases: [Case]
    enum CodingKeys: String, CodingKey {
        case handoffs, invitations, mentions
        case newCases = "new_cases"
    }
    public init(handoffs: [InboxHandoff], invitations: [InboxInvitation], mentions: [Message], newCases: [Case]) {
        self.handoffs = handoffs
        self.invitations = invitations
        self.mentions = mentions
        self.newCases = newCases
    }

    public var isEmpty: Bool { handoffs.isEmpty && invitations.isEmpty && mentions.isEmpty && newCases.isEmpty }
}
