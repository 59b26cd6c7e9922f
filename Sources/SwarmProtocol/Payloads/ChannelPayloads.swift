public struct ChannelCreateRequest: Codable, Sendable {
    public var name: String
    public var kind: ChannelKind?
    public var topic: String?
    /// Users (ids or names) to add besides the creator.
    public var members: [String]?
    public var idempotencyKey: String?

    enum CodingKeys: String, CodingKey {
        case name, kind, topic, members
        case idempotencyKey = "idempotency_key"
    }

    public init(name: String, kind: ChannelKind? = nil, topic: String? = nil, members: [String]? = nil, idempotencyKey: String? = nil) {
        self.name = name
        self.kind = kind
        self.topic = topic
        self.members = members
        self.idempotencyKey = idempotencyKey
    }
}

public struct ChannelRef: Codable, Sendable {
    /// Channel id (`C3`) or name (`support` or `#support`).
    public var channel: String
    public init(channel: String) { self.channel = channel }
}

public struct ChannelInviteRequest: Codable, Sendable {
    public var channel: String
    public var user: String
    public init(channel: String, user: String) {
        self.channel = channel
        self.user = user
    }
}

public struct ChannelListReply: Codable, Sendable {
    public var channels: [Channel]
    public init(channels: [Channel]) { self.channels = channels }
}

public struct ChannelMembersReply: Codable, Sendable {
    public var members: [User]
    public init(members: [User]) { self.members = members }
}

public struct DMOpenRequest: Codable, Sendable {
    public var user: String
    public init(user: String) { self.user = user }
}

public struct MemberEvent: Codable, Sendable, Equatable {
    public var channel: String
    public var user: String
    public var by: String?
    public init(channel: String, user: String, by: String?) {
        self.channel = channel
        self.user = user
        self.by = by
    }
}
