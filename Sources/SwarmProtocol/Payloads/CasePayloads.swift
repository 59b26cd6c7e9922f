/// Requests and replies of the `case.*` and `ticket.*` ops.

/// `case.open`: names an existing `customer` (id) or an `identity` (found or created, with
/// `customer_name` as the new profile's name).
public struct CaseOpenRequest: Codable, Sendable {
    public var title: String
    public var customer: String?
    public var identity: Identity?
    public var customerName: String?
    /// The team channel that holds the case thread (`#support-billing`).
    public var channel: String
    public var priority: CasePriority?
    public var sourceChannel: ContactChannel?
    public var summary: String?
    public var tickets: [TicketRef]?
    public var tags: [String]?
    public var idempotencyKey: String?
    /// Intake signals of the contact the case opens for (PROTOCOL §15.1).
    public var isPublic: Bool?
    public var account: String?
    public var reach: Int?
    public var verified: Bool?

    enum CodingKeys: String, CodingKey {
        case title, customer, identity, channel, priority, summary, tickets, tags, account, reach, verified
        case customerName = "customer_name"
        case sourceChannel = "source_channel"
        case idempotencyKey = "idempotency_key"
        case isPublic = "public"
    }

    public init(title: String, customer: String? = nil, identity: Identity? = nil, customerName: String? = nil, channel: String,
                priority: CasePriority? = nil, sourceChannel: ContactChannel? = nil, summary: String? = nil, tickets: [TicketRef]? = nil,
                tags: [String]? = nil, idempotencyKey: String? = nil,
                isPublic: Bool? = nil, account: String? = nil, reach: Int? = nil, verified: Bool? = nil) {
        self.isPublic = isPublic
        self.account = account
        self.reach = reach
        self.verified = verified
        self.title = title
        self.customer = customer
        self.identity = identity
        self.customerName = customerName
        self.channel = channel
        self.priority = priority
        self.sourceChannel = sourceChannel
        self.summary = summary
        self.tickets = tickets
        self.tags = tags
        self.idempotencyKey = idempotencyKey
    }
}

public struct TicketRef: Codable, Sendable, Equatable {
    public var system: String
    public var key: String
    public var url: String?
    public init(system: String, key: String, url: String? = nil) {
        self.system = system
        self.key = key
        self.url = url
    }
}

public struct CaseRef: Codable, Sendable {
    public var caseId: String
    enum CodingKeys: String, CodingKey { case caseId = "case" }
    public init(caseId: String) { self.caseId = caseId }
}

public struct CaseListRequest: Codable, Sendable {
    public var status: [CaseStatus]?
    /// A user id or name; `me` for the caller; `none` for unowned cases.
    public var owner: String?
    /// With `owner`: also the cases nobody owns (the "mine and up for grabs" queue).
    public var includeUnowned: Bool?
    public var channel: String?
    public var tag: String?
    public var customer: String?
    public var priority: CasePriority?
    /// Case id cursor: cases older than it.
    public var before: String?
    public var limit: Int?

    enum CodingKeys: String, CodingKey {
        case status, owner, channel, tag, customer, priority, before, limit
        case includeUnowned = "include_unowned"
    }

    public init(status: [CaseStatus]? = nil, owner: String? = nil, includeUnowned: Bool? = nil, channel: String? = nil, tag: String? = nil,
                customer: String? = nil, priority: CasePriority? = nil, before: String? = nil, limit: Int? = nil) {
        self.status = status
        self.owner = owner
        self.includeUnowned = includeUnowned
        self.channel = channel
        self.tag = tag
        self.customer = customer
        self.priority = priority
        self.before = before
        self.limit = limit
    }
}

public struct CaseListReply: Codable, Sendable {
    /// Newest first.
    public var cases: [Case]
    public var nextBefore: String?
    enum CodingKeys: String, CodingKey {
        case cases
        case nextBefore = "next_before"
    }
    public init(cases: [Case], nextBefore: String?) {
        self.cases = cases
        self.nextBefore = nextBefore
    }
}

/// `case.update`: any of status, priority, tags, title, summary.
public struct CaseUpdateRequest: Codable, Sendable {
    public var caseId: String
    public var status: CaseStatus?
    public var priority: CasePriority?
    public var tags: [String]?
    public var title: String?
    public var summary: String?
    /// `"me"` (or the caller's own id or name): take the case. Only the caller; giving a case to
    /// someone else is a hand-off, which needs a note.
    public var owner: String?

    enum CodingKeys: String, CodingKey {
        case status, priority, tags, title, summary, owner
        case caseId = "case"
    }

    public init(caseId: String, status: CaseStatus? = nil, priority: CasePriority? = nil, tags: [String]? = nil, title: String? = nil, summary: String? = nil,
                owner: String? = nil) {
        self.caseId = caseId
        self.owner = owner
        self.status = status
        self.priority = priority
        self.tags = tags
        self.title = title
        self.summary = summary
    }
}

public struct CaseTicketRequest: Codable, Sendable {
    public var caseId: String
    public var system: String
    public var key: String
    public var url: String?
    enum CodingKeys: String, CodingKey {
        case system, key, url
        case caseId = "case"
    }
    public init(caseId: String, system: String, key: String, url: String? = nil) {
        self.caseId = caseId
        self.system = system
        self.key = key
        self.url = url
    }
}

public struct TicketLookupReply: Codable, Sendable {
    public var caseId: String
    public var thread: String
    public var channel: String
    public var status: CaseStatus
    enum CodingKeys: String, CodingKey {
        case thread, channel, status
        case caseId = "case"
    }
    public init(caseId: String, thread: String, channel: String, status: CaseStatus) {
        self.caseId = caseId
        self.thread = thread
        self.channel = channel
        self.status = status
    }
}

/// `case.interaction`: a customer contact. Which case it joins: `case`; else the open case linked
/// to `ticket`; else the customer's (found or created by `identity`) most recently updated open
/// case; else a new case in the intake channel.
public struct InteractionRequest: Codable, Sendable {
    public var caseId: String?
    public var ticket: TicketRef?
    public var identity: Identity?
    public var customerName: String?
    public var channel: ContactChannel
    public var direction: Direction
    public var author: String?
    public var text: String
    public var at: String?
    public var externalId: String?
    /// Intake signals (PROTOCOL §15.1): a public post or comment vs a private contact, the brand
    /// account reached, the author's followers and verified flag.
    public var isPublic: Bool?
    public var account: String?
    public var reach: Int?
    public var verified: Bool?
    /// `contact` (the default) or `redirect`: an outbound message sending the customer to
    /// `redirect_to`, another contact channel (PROTOCOL §25). Strings here, checked by the store,
    /// so a bad value is a `bad_request` naming the member.
    public var kind: String?
    public var redirectTo: String?

    enum CodingKeys: String, CodingKey {
        case ticket, identity, channel, direction, author, text, at, account, reach, verified, kind
        case caseId = "case"
        case customerName = "customer_name"
        case externalId = "external_id"
        case isPublic = "public"
        case redirectTo = "redirect_to"
    }

    public init(caseId: String? = nil, ticket: TicketRef? = nil, identity: Identity? = nil, customerName: String? = nil, channel: ContactChannel,
                direction: Direction, author: String? = nil, text: String, at: String? = nil, externalId: String? = nil,
                isPublic: Bool? = nil, account: String? = nil, reach: Int? = nil, verified: Bool? = nil,
                kind: String? = nil, redirectTo: String? = nil) {
        self.isPublic = isPublic
        self.account = account
        self.reach = reach
        self.verified = verified
        self.kind = kind
        self.redirectTo = redirectTo
        self.caseId = caseId
        self.ticket = ticket
        self.identity = identity
        self.customerName = customerName
        self.channel = channel
        self.direction = direction
        self.author = author
        self.text = text
        self.at = at
        self.externalId = externalId
    }
}

public struct InteractionReply: Codable, Sendable {
    public var entry: TimelineEntry
    public var caseId: String
    public var thread: String
    /// True when this interaction opened a new case.
    public var openedCase: Bool
    /// True when `external_id` was seen before: nothing new was stored.
    public var duplicate: Bool
    /// True when this contact reopened its customer's recently solved case (a follow-up).
    public var reopened: Bool
    /// Things to look at, nothing refused: a public text holding personal data (PROTOCOL §25).
    /// Absent when there are none.
    public var warnings: [ContactWarning]?

    enum CodingKeys: String, CodingKey {
        case entry, thread, duplicate, reopened, warnings
        case caseId = "case"
        case openedCase = "opened_case"
    }

    public init(entry: TimelineEntry, caseId: String, thread: String, openedCase: Bool, duplicate: Bool, reopened: Bool = false,
                warnings: [ContactWarning]? = nil) {
        self.warnings = warnings
        self.entry = entry
        self.caseId = caseId
        self.thread = thread
        self.openedCase = openedCase
        self.duplicate = duplicate
        self.reopened = reopened
    }
}

public struct CaseNoteRequest: Codable, Sendable {
    public var caseId: String
    public var text: String
    enum CodingKeys: String, CodingKey {
        case text
        case caseId = "case"
    }
    public init(caseId: String, text: String) {
        self.caseId = caseId
        self.text = text
    }
}

public struct CaseFactRequest: Codable, Sendable {
    public var caseId: String
    public var key: String
    public var value: String
    public var source: String?
    enum CodingKeys: String, CodingKey {
        case key, value, source
        case caseId = "case"
    }
    public init(caseId: String, key: String, value: String, source: String? = nil) {
        self.caseId = caseId
        self.key = key
        self.value = value
        self.source = source
    }
}

/// `message.mark`: `question`, `answer` (optionally naming the question it `answers`), or
/// `none` to clear.
public struct MessageMarkRequest: Codable, Sendable {
    public var message: String
    public var mark: String
    public var answers: String?
    public init(message: String, mark: String, answers: String? = nil) {
        self.message = message
        self.mark = mark
        self.answers = answers
    }
}

public struct CaseUpdatedEvent: Codable, Sendable {
    /// What changed: `opened`, `status`, `priority`, `tags`, `title`, `summary`, `ticket_linked`,
    /// `ticket_unlinked`, `owner`, `customer_merged`.
    public var change: String
    public var caseInfo: Case
    public var by: String
    enum CodingKeys: String, CodingKey {
        case change, by
        case caseInfo = "case"
    }
    public init(change: String, caseInfo: Case, by: String) {
        self.change = change
        self.caseInfo = caseInfo
        self.by = by
    }
}
