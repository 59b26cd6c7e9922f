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

    enum CodingKeys: String, CodingKey {
        case title, customer, identity, channel, priority, summary, tickets, tags
        case customerName = "customer_name"
        case sourceChannel = "source_channel"
        case idempotencyKey = "idempotency_key"
    }

    public init(title: String, customer: String? = nil, identity: Identity? = nil, customerName: String? = nil, channel: String,
                priority: CasePriority? = nil, sourceChannel: ContactChannel? = nil, summary: String? = nil, tickets: [TicketRef]? = nil,
                tags: [String]? = nil, idempotencyKey: String? = nil) {
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
    public var channel: String?
    public var tag: String?
    public var customer: String?
    public var priority: CasePriority?
    /// Case id cursor: cases older than it.
    public var before: String?
    public var limit: Int?

    public init(status: [CaseStatus]? = nil, owner: String? = nil, channel: String? = nil, tag: String? = nil, customer: String? = nil,
                priority: CasePriority? = nil, before: String? = nil, limit: Int? = nil) {
        self.status = status
        self.owner = owner
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

    enum CodingKeys: String, CodingKey {
        case status, priority, tags, title, summary
        case caseId = "case"
    }

    public init(caseId: String, status: CaseStatus? = nil, priority: CasePriority? = nil, tags: [String]? = nil, title: String? = nil, summary: String? = nil) {
        self.caseId = caseId
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

    enum CodingKeys: String, CodingKey {
        case ticket, identity, channel, direction, author, text, at
        case caseId = "case"
        case customerName = "customer_name"
        case externalId = "external_id"
    }

    public init(caseId: String? = nil, ticket: TicketRef? = nil, identity: Identity? = nil, customerName: String? = nil, channel: ContactChannel,
                direction: Direction, author: String? = nil, text: String, at: String? = nil, externalId: String? = nil) {
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

    enum CodingKeys: String, CodingKey {
        case entry, thread, duplicate
        case caseId = "case"
        case openedCase = "opened_case"
    }

    public init(entry: TimelineEntry, caseId: String, thread: String, openedCase: Bool, duplicate: Bool) {
        self.entry = entry
        self.caseId = caseId
        self.thread = thread
        self.openedCase = openedCase
        self.duplicate = duplicate
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

public struct CaseHelpersRequest: Codable, Sendable {
    public var caseId: String
    public var skill: String?
    public var limit: Int?
    enum CodingKeys: String, CodingKey {
        case skill, limit
        case caseId = "case"
    }
    public init(caseId: String, skill: String? = nil, limit: Int? = nil) {
        self.caseId = caseId
        self.skill = skill
        self.limit = limit
    }
}

public struct HelperCandidate: Codable, Sendable, Equatable {
    public var user: String
    public var name: String
    public var role: Role
    public var skills: [String]
    public var skillMatch: Bool
    public var online: Bool
    public var activeCases: Int
    public var maxActiveCases: Int
    public var solvedSimilar: Int
    public var score: Double

    enum CodingKeys: String, CodingKey {
        case user, name, role, skills, online, score
        case skillMatch = "skill_match"
        case activeCases = "active_cases"
        case maxActiveCases = "max_active_cases"
        case solvedSimilar = "solved_similar"
    }

    public init(user: String, name: String, role: Role, skills: [String], skillMatch: Bool, online: Bool, activeCases: Int,
                maxActiveCases: Int, solvedSimilar: Int, score: Double) {
        self.user = user
        self.name = name
        self.role = role
        self.skills = skills
        self.skillMatch = skillMatch
        self.online = online
        self.activeCases = activeCases
        self.maxActiveCases = maxActiveCases
        self.solvedSimilar = solvedSimilar
        self.score = score
    }
}

public struct CaseHelpersReply: Codable, Sendable {
    public var helpers: [HelperCandidate]
    public init(helpers: [HelperCandidate]) { self.helpers = helpers }
}

public struct CaseSwarmRequest: Codable, Sendable {
    public var caseId: String
    public var users: [String]?
    public var skill: String?
    public var message: String
    enum CodingKeys: String, CodingKey {
        case users, skill, message
        case caseId = "case"
    }
    public init(caseId: String, users: [String]? = nil, skill: String? = nil, message: String) {
        self.caseId = caseId
        self.users = users
        self.skill = skill
        self.message = message
    }
}

public struct CaseSwarmReply: Codable, Sendable {
    public var invited: [SwarmMember]
    public init(invited: [SwarmMember]) { self.invited = invited }
}

public struct SwarmInviteEvent: Codable, Sendable {
    public var caseId: String
    public var title: String
    public var channel: String
    public var thread: String
    public var by: String
    public var byName: String
    public var message: String

    enum CodingKeys: String, CodingKey {
        case title, channel, thread, by, message
        case caseId = "case"
        case byName = "by_name"
    }

    public init(caseId: String, title: String, channel: String, thread: String, by: String, byName: String, message: String) {
        self.caseId = caseId
        self.title = title
        self.channel = channel
        self.thread = thread
        self.by = by
        self.byName = byName
        self.message = message
    }
}

/// `case.handoff`: `to` is a user (`@name` or id), `skill:NAME` (the best available helper with
/// that skill) or a team channel (`#name` or id: the case goes to that channel's queue).
public struct CaseHandoffRequest: Codable, Sendable {
    public var caseId: String
    public var to: String
    public var note: String
    enum CodingKeys: String, CodingKey {
        case to, note
        case caseId = "case"
    }
    public init(caseId: String, to: String, note: String) {
        self.caseId = caseId
        self.to = to
        self.note = note
    }
}

public struct CaseBriefRequest: Codable, Sendable {
    public var caseId: String
    /// Timeline page size (newest entries; default 100, at most 500) and cursor.
    public var timelineLimit: Int?
    public var timelineBefore: String?
    /// How many of the newest thread messages (default 20, at most 200).
    public var messages: Int?

    enum CodingKeys: String, CodingKey {
        case messages
        case caseId = "case"
        case timelineLimit = "timeline_limit"
        case timelineBefore = "timeline_before"
    }

    public init(caseId: String, timelineLimit: Int? = nil, timelineBefore: String? = nil, messages: Int? = nil) {
        self.caseId = caseId
        self.timelineLimit = timelineLimit
        self.timelineBefore = timelineBefore
        self.messages = messages
    }
}

public struct CaseBrief: Codable, Sendable, Equatable {
    public var caseInfo: Case
    public var customer: Customer
    public var timeline: TimelinePage
    public var lastMessages: [Message]
    public var handoffs: [Handoff]
    public var kbShared: [TimelineEntry]
    public var openQuestions: [Message]
    public var facts: [CaseFact]
    public var swarm: [SwarmMember]
    public var otherCases: [CaseSummary]

    enum CodingKeys: String, CodingKey {
        case customer, timeline, handoffs, facts, swarm
        case caseInfo = "case"
        case lastMessages = "last_messages"
        case kbShared = "kb_shared"
        case openQuestions = "open_questions"
        case otherCases = "other_cases"
    }

    public init(caseInfo: Case, customer: Customer, timeline: TimelinePage, lastMessages: [Message], handoffs: [Handoff], kbShared: [TimelineEntry],
                openQuestions: [Message], facts: [CaseFact], swarm: [SwarmMember], otherCases: [CaseSummary]) {
        self.caseInfo = caseInfo
        self.customer = customer
        self.timeline = timeline
        self.lastMessages = lastMessages
        self.handoffs = handoffs
        self.kbShared = kbShared
        self.openQuestions = openQuestions
        self.facts = facts
        self.swarm = swarm
        self.otherCases = otherCases
    }
}

/// The customer's other cases, in a brief.
public struct CaseSummary: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var status: CaseStatus
    public var createdAt: String
    enum CodingKeys: String, CodingKey {
        case id, title, status
        case createdAt = "created_at"
    }
    public init(id: String, title: String, status: CaseStatus, createdAt: String) {
        self.id = id
        self.title = title
        self.status = status
        self.createdAt = createdAt
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

public struct HandoffEvent: Codable, Sendable {
    public var handoff: Handoff
    public var brief: CaseBrief
    public init(handoff: Handoff, brief: CaseBrief) {
        self.handoff = handoff
        self.brief = brief
    }
}
