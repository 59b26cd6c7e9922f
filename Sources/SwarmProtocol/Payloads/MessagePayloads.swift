public struct MessagePostRequest: Codable, Sendable {
    public var channel: String
    public var body: String
    /// Root message id to reply in its thread.
    public var thread: String?
    public var idempotencyKey: String?

    enum CodingKeys: String, CodingKey {
        case channel, body, thread
        case idempotencyKey = "idempotency_key"
    }

    public init(channel: String, body: String, thread: String? = nil, idempotencyKey: String? = nil) {
        self.channel = channel
        self.body = body
        self.thread = thread
        self.idempotencyKey = idempotencyKey
    }
}

public struct MessageEditRequest: Codable, Sendable {
    public var message: String
    public var body: String
    public init(message: String, body: String) {
        self.message = message
        self.body = body
    }
}

public struct MessageRef: Codable, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
}

public struct MessageDeletedEvent: Codable, Sendable, Equatable {
    public var id: String
    public var channel: String
    public var thread: String?
    public var by: String
    public init(id: String, channel: String, thread: String?, by: String) {
        self.id = id
        self.channel = channel
        self.thread = thread
        self.by = by
    }
}

public struct MessageVersionsReply: Codable, Sendable {
    public var message: Message
    public var versions: [MessageVersion]
    public init(message: Message, versions: [MessageVersion]) {
        self.message = message
        self.versions = versions
    }
}

public struct HistoryRequest: Codable, Sendable {
    public var channel: String
    /// Message id; only older messages are returned.
    public var before: String?
    public var limit: Int?
    public init(channel: String, before: String? = nil, limit: Int? = nil) {
        self.channel = channel
        self.before = before
        self.limit = limit
    }
}

public struct HistoryReply: Codable, Sendable {
    /// Oldest first.
    public var messages: [Message]
    /// Pass as `before` to get the previous page; absent on the first page of the channel.
    public var nextBefore: String?
    /// The event log's head as the page was read: the page shows the channel's newest messages as
    /// they stood at it. A client that shows only this channel's messages (`swarm tail`) may treat
    /// live message events up to it as shown; one that follows more must not resume after it.
    /// Absent from servers older than this field; clients then go by the `hello` reply's seq alone.
    public var seq: Int64?

    enum CodingKeys: String, CodingKey {
        case messages, seq
        case nextBefore = "next_before"
    }

    public init(messages: [Message], nextBefore: String?, seq: Int64?) {
        self.messages = messages
        self.nextBefore = nextBefore
        self.seq = seq
    }
}

public struct ThreadReply: Codable, Sendable {
    public var root: Message
    public var replies: [Message]
    public init(root: Message, replies: [Message]) {
        self.root = root
        self.replies = replies
    }
}

public struct ReadMarkRequest: Codable, Sendable {
    public var channel: String
    /// Last message read; the channel's newest message when absent.
    public var message: String?
    public init(channel: String, message: String? = nil) {
        self.channel = channel
        self.message = message
    }
}

public struct ReadUpdatedEvent: Codable, Sendable, Equatable {
    public var channel: String
    public var message: String?
    public init(channel: String, message: String?) {
        self.channel = channel
        self.message = message
    }
}

public struct UnreadEntry: Codable, Sendable, Equatable {
    public var channel: String
    public var name: String
    public var unread: Int
    public var mentions: Int
    public init(channel: String, name: String, unread: Int, mentions: Int) {
        self.channel = channel
        self.name = name
        self.unread = unread
        self.mentions = mentions
    }
}

public struct UnreadListReply: Codable, Sendable {
    public var channels: [UnreadEntry]
    /// The event log's head as the counts were read: they count every message and mention up to
    /// it, so a client that set its counts from them does not add live events up to it again.
    /// Absent from servers older than this field.
    public var seq: Int64?
    public init(channels: [UnreadEntry], seq: Int64?) {
        self.channels = channels
        self.seq = seq
    }
}

public struct MentionEvent: Codable, Sendable, Equatable {
    public var user: String
    public var message: Message
    public init(user: String, message: Message) {
        self.user = user
        self.message = message
    }
}

public struct SearchRequest: Codable, Sendable {
    public var query: String
    public var channel: String?
    public var limit: Int?
    public init(query: String, channel: String? = nil, limit: Int? = nil) {
        self.query = query
        self.channel = channel
        self.limit = limit
    }
}

public struct SearchHit: Codable, Sendable {
    public var message: Message
    /// Matching words are wrapped in `**`.
    public var snippet: String
    public var rank: Double
    public init(message: Message, snippet: String, rank: Double) {
        self.message = message
        self.snippet = snippet
        self.rank = rank
    }
}

public struct SearchReply: Codable, Sendable {
    public var results: [SearchHit]
    public init(results: [SearchHit]) { self.results = results }
}
