public struct HelloRequest: Codable, Sendable {
    public var token: String?
    public var client: String?
    /// Last event `seq` the client saw; events after it are replayed before `ready`.
    public var after: Int64?
    /// Ask for `presence` events of every user.
    public var presence: Bool?

    public init(token: String?, client: String?, after: Int64? = nil, presence: Bool? = nil) {
        self.token = token
        self.client = client
        self.after = after
        self.presence = presence
    }
}

public struct Limits: Codable, Sendable {
    public var maxFrameBytes: Int
    public var historyMax: Int

    enum CodingKeys: String, CodingKey {
        case maxFrameBytes = "max_frame_bytes"
        case historyMax = "history_max"
    }

    public init(maxFrameBytes: Int, historyMax: Int) {
        self.maxFrameBytes = maxFrameBytes
        self.historyMax = historyMax
    }
}

public struct HelloReply: Codable, Sendable {
    public var `protocol`: Int
    public var server: String
    public var session: String
    public var user: User
    /// Head of the event log when the session started.
    public var seq: Int64
    public var limits: Limits

    public init(protocol: Int, server: String, session: String, user: User, seq: Int64, limits: Limits) {
        self.protocol = `protocol`
        self.server = server
        self.session = session
        self.user = user
        self.seq = seq
        self.limits = limits
    }
}

public struct ReadyEvent: Codable, Sendable {
    /// Last seq replayed (or the log head when nothing was asked for); live events follow.
    public var seq: Int64
    public var replayed: Int

    public init(seq: Int64, replayed: Int) {
        self.seq = seq
        self.replayed = replayed
    }
}

public struct Empty: Codable, Sendable, Equatable {
    public init() {}
}

public struct PingReply: Codable, Sendable {
    public var time: String
    public init(time: String) { self.time = time }
}

public struct PresenceSetRequest: Codable, Sendable {
    public var status: PresenceStatus
    public init(status: PresenceStatus) { self.status = status }
}

public struct PresenceEntry: Codable, Sendable, Equatable {
    public var user: String
    public var status: PresenceStatus
    public init(user: String, status: PresenceStatus) {
        self.user = user
        self.status = status
    }
}

public struct PresenceListReply: Codable, Sendable {
    public var users: [PresenceEntry]
    public init(users: [PresenceEntry]) { self.users = users }
}

public struct TypingRequest: Codable, Sendable {
    public var channel: String
    public var thread: String?
    public init(channel: String, thread: String? = nil) {
        self.channel = channel
        self.thread = thread
    }
}

public struct TypingEvent: Codable, Sendable {
    public var channel: String
    public var thread: String?
    public var user: String
    public init(channel: String, thread: String?, user: String) {
        self.channel = channel
        self.thread = thread
        self.user = user
    }
}

public struct UserCreateRequest: Codable, Sendable {
    public var name: String
    public var role: Role
    public var displayName: String?
    public var skills: [String]?

    enum CodingKeys: String, CodingKey {
        case name, role, skills
        case displayName = "display_name"
    }

    public init(name: String, role: Role, displayName: String? = nil, skills: [String]? = nil) {
        self.name = name
        self.role = role
        self.displayName = displayName
        self.skills = skills
    }
}

public struct UserCreateReply: Codable, Sendable {
    public var user: User
    /// Shown once; the server keeps only its SHA-256.
    public var token: String
    public init(user: User, token: String) {
        self.user = user
        self.token = token
    }
}

public struct UserListReply: Codable, Sendable {
    public var users: [User]
    public init(users: [User]) { self.users = users }
}

public struct TokenRevokeRequest: Codable, Sendable {
    /// Revokes every token of this user.
    public var user: String
    public init(user: String) { self.user = user }
}

public struct TokenRevokeReply: Codable, Sendable {
    public var revoked: Int
    public init(revoked: Int) { self.revoked = revoked }
}

public struct TokenRevokedEvent: Codable, Sendable {
    public var user: String
    /// Opaque token ids (`T7`).
    public var tokens: [String]
    public init(user: String, tokens: [String]) {
        self.user = user
        self.tokens = tokens
    }
}
