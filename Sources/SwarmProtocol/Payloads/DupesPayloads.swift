/// Duplicates, noise and topics (PROTOCOL §23).

/// A contact the noise filter held back: nothing is dropped, a lead restores or confirms it.
public struct FilteredContact: Codable, Sendable, Equatable {
    public var id: String
    /// The rule that matched (`phrase:follow back`, `link:bit.ly/free`, `pattern:*win*iphone*`).
    public var rule: String
    /// `filtered` (waiting), `restored` (it opened or joined `case`), `confirmed` (kept as noise).
    public var state: String
    /// When the contact happened (its `at`, else when it arrived).
    public var at: String
    public var channel: ContactChannel
    public var identity: Identity?
    public var author: String?
    public var text: String
    /// Who posted it (usually a bot).
    public var by: String
    public var decidedBy: String?
    public var decidedAt: String?
    public var caseId: String?
    public var entry: String?

    enum CodingKeys: String, CodingKey {
        case id, rule, state, at, channel, identity, author, text, by, entry
        case decidedBy = "decided_by"
        case decidedAt = "decided_at"
        case caseId = "case"
    }

    public init(id: String, rule: String, state: String, at: String, channel: ContactChannel, identity: Identity?, author: String?, text: String,
                by: String, decidedBy: String? = nil, decidedAt: String? = nil, caseId: String? = nil, entry: String? = nil) {
        self.id = id
        self.rule = rule
        self.state = state
        self.at = at
        self.channel = channel
        self.identity = identity
        self.author = author
        self.text = text
        self.by = by
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.caseId = caseId
        self.entry = entry
    }
}

/// What `case.interaction` answers instead of a case when the noise filter holds the contact.
public struct InteractionFilteredReply: Codable, Sendable, Equatable {
    public struct Notice: Codable, Sendable, Equatable {
        public var id: String
        public var rule: String
        public var message: String
        public init(id: String, rule: String, message: String) {
            self.id = id
            self.rule = rule
            self.message = message
        }
    }
    public var filtered: Notice
    public init(filtered: Notice) { self.filtered = filtered }
}

/// Either reply of `case.interaction`: a case (the usual) or `filtered`.
public enum InteractionOutcome: Codable, Sendable {
    case recorded(InteractionReply)
    case filtered(InteractionFilteredReply)

    public init(from decoder: any Decoder) throws {
        if let f = try? InteractionFilteredReply(from: decoder) { self = .filtered(f) } else { self = .recorded(try InteractionReply(from: decoder)) }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .recorded(let r): try r.encode(to: encoder)
        case .filtered(let f): try f.encode(to: encoder)
        }
    }
}

public struct FilteredListRequest: Codable, Sendable {
    public var limit: Int?
    /// Page before this id (newest first).
    public var before: String?
    /// `filtered` (default), `restored`, `confirmed` or `all`.
    public var state: String?
    public init(limit: Int? = nil, before: String? = nil, state: String? = nil) {
        self.limit = limit
        self.before = before
        self.state = state
    }
}

public struct FilteredListReply: Codable, Sendable {
    public var items: [FilteredContact]
    public var nextBefore: String?
    enum CodingKeys: String, CodingKey {
        case items
        case nextBefore = "next_before"
    }
    public init(items: [FilteredContact], nextBefore: String?) {
        self.items = items
        self.nextBefore = nextBefore
    }
}

public struct FilteredRef: Codable, Sendable {
    public var id: String
    public init(id: String) { self.id = id }
}

public struct FilteredRestoreReply: Codable, Sendable {
    public var item: FilteredContact
    public var interaction: InteractionReply
    public init(item: FilteredContact, interaction: InteractionReply) {
        self.item = item
        self.interaction = interaction
    }
}

public struct CaseTopicsRequest: Codable, Sendable {
    public var caseId: String
    public var add: [String]?
    public var remove: [String]?
    enum CodingKeys: String, CodingKey {
        case add, remove
        case caseId = "case"
    }
    public init(caseId: String, add: [String]? = nil, remove: [String]? = nil) {
        self.caseId = caseId
        self.add = add
        self.remove = remove
    }
}
