/// Requests, replies and events of swarming (`case.helpers`, `case.swarm`), hand-offs and the
/// case brief.

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
    /// Facts of the customer's cases the reader may not see (counted, never shown).
    public var factsWithheld: Int
    /// The customer's other cases the reader may not see (counted, never listed).
    public var otherCasesWithheld: Int

    enum CodingKeys: String, CodingKey {
        case customer, timeline, handoffs, facts, swarm
        case caseInfo = "case"
        case lastMessages = "last_messages"
        case kbShared = "kb_shared"
        case openQuestions = "open_questions"
        case otherCases = "other_cases"
        case factsWithheld = "facts_withheld"
        case otherCasesWithheld = "other_cases_withheld"
    }

    public init(caseInfo: Case, customer: Customer, timeline: TimelinePage, lastMessages: [Message], handoffs: [Handoff], kbShared: [TimelineEntry],
                openQuestions: [Message], facts: [CaseFact], swarm: [SwarmMember], otherCases: [CaseSummary],
                factsWithheld: Int = 0, otherCasesWithheld: Int = 0) {
        self.factsWithheld = factsWithheld
        self.otherCasesWithheld = otherCasesWithheld
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

/// `case.handoff`: a reference to the hand-off, not a brief. The brief is a view that depends on
/// who reads it (what of the customer's other cases they may see), so a logged event cannot carry
/// one for every later reader; receivers fetch `case.brief`, which is filtered for them.
public struct HandoffEvent: Codable, Sendable {
    public var handoff: Handoff
    public init(handoff: Handoff) {
        self.handoff = handoff
    }
}
