/// Shapes that appear inside replies and events. Ids are opaque strings (`U12`, `C3`, `M9041`).

public enum Role: String, Codable, Sendable, CaseIterable {
    case agent, marketing, product, lead, admin, bot
}

public enum ChannelKind: String, Codable, Sendable {
    case `public`, `private`, dm
}

public enum PresenceStatus: String, Codable, Sendable {
    case online, away, dnd, offline
}

public struct User: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var displayName: String?
    public var role: Role
    public var skills: [String]

    enum CodingKeys: String, CodingKey {
        case id, name, role, skills
        case displayName = "display_name"
    }

    public init(id: String, name: String, displayName: String?, role: Role, skills: [String]) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.role = role
        self.skills = skills
    }
}

public struct Channel: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: ChannelKind
    public var topic: String?
    public var createdBy: String?
    public var createdAt: String
    /// Whether the caller is a member (set in `channel.list` and `channel.create`/`join` replies).
    public var member: Bool?

    enum CodingKeys: String, CodingKey {
        case id, name, kind, topic, member
        case createdBy = "created_by"
        case createdAt = "created_at"
    }

    public init(id: String, name: String, kind: ChannelKind, topic: String?, createdBy: String?, createdAt: String, member: Bool? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.topic = topic
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.member = member
    }
}

public struct Message: Codable, Sendable, Equatable {
    public var id: String
    public var channel: String
    public var author: String
    public var authorName: String
    public var body: String
    /// Root message id when this message is a thread reply.
    public var thread: String?
    public var replyCount: Int
    public var mentions: [String]
    public var createdAt: String
    public var editedAt: String?
    public var deleted: Bool
    /// Structured content shown as a card (case opened, interaction, note, hand-off); absent on
    /// plain messages.
    public var card: JSONValue?
    /// `question` or `answer` when marked with `message.mark`.
    public var mark: String?

    enum CodingKeys: String, CodingKey {
        case id, channel, author, body, thread, mentions, deleted, card, mark
        case authorName = "author_name"
        case replyCount = "reply_count"
        case createdAt = "created_at"
        case editedAt = "edited_at"
    }

    public init(id: String, channel: String, author: String, authorName: String, body: String, thread: String?,
                replyCount: Int, mentions: [String], createdAt: String, editedAt: String?, deleted: Bool,
                card: JSONValue? = nil, mark: String? = nil) {
        self.id = id
        self.channel = channel
        self.author = author
        self.authorName = authorName
        self.body = body
        self.thread = thread
        self.replyCount = replyCount
        self.mentions = mentions
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.deleted = deleted
        self.card = card
        self.mark = mark
    }
}

public struct MessageVersion: Codable, Sendable, Equatable {
    public var version: Int
    public var body: String
    public var editedBy: String
    public var editedAt: String
    /// `edit` when replaced by an edit, `delete` when removed.
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case version, body, reason
        case editedBy = "edited_by"
        case editedAt = "edited_at"
    }

    public init(version: Int, body: String, editedBy: String, editedAt: String, reason: String) {
        self.version = version
        self.body = body
        self.editedBy = editedBy
        self.editedAt = editedAt
        self.reason = reason
    }
}
