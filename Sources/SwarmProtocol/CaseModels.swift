/// Shapes for customers and cases (replies and events). Customer ids are `CU…`, case ids `CS…`,
/// timeline entry ids `TL…`.

public enum CaseStatus: String, Codable, Sendable, CaseIterable {
    case new, open, pending, solved, closed

    /// Open work: counts toward an owner's load and may receive new interactions.
    public var isActive: Bool { self == .new || self == .open || self == .pending }
}

public enum CasePriority: String, Codable, Sendable, CaseIterable {
    case low, normal, high, urgent
}

/// Where a customer reached us.
public enum ContactChannel: String, Codable, Sendable, CaseIterable {
    case twitter, facebook, whatsapp, email, phone, webchat, app, store
}

public enum Direction: String, Codable, Sendable {
    case inbound, outbound
}

public struct Identity: Codable, Sendable, Equatable, Hashable {
    public var channel: ContactChannel
    public var handle: String
    public init(channel: ContactChannel, handle: String) {
        self.channel = channel
        self.handle = handle
    }
}

public struct Customer: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var crmId: String?
    public var tier: String?
    public var vip: Bool
    public var language: String?
    public var notes: String?
    public var identities: [Identity]
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, tier, vip, language, notes, identities
        case crmId = "crm_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public init(id: String, name: String, crmId: String?, tier: String?, vip: Bool, language: String?, notes: String?,
                identities: [Identity], createdAt: String, updatedAt: String) {
        self.id = id
        self.name = name
        self.crmId = crmId
        self.tier = tier
        self.vip = vip
        self.language = language
        self.notes = notes
        self.identities = identities
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct TicketLink: Codable, Sendable, Equatable {
    public var system: String
    public var key: String
    public var url: String?
    public var linkedBy: String
    public var linkedAt: String

    enum CodingKeys: String, CodingKey {
        case system, key, url
        case linkedBy = "linked_by"
        case linkedAt = "linked_at"
    }

    public init(system: String, key: String, url: String?, linkedBy: String, linkedAt: String) {
        self.system = system
        self.key = key
        self.url = url
        self.linkedBy = linkedBy
        self.linkedAt = linkedAt
    }
}

/// A case's service level. `due_at`, `first_response_at` and `state` keep their first meaning
/// (the first-response deadline, the first outbound interaction, running/met/breached) for older
/// clients; `policy` and the per-clock readings follow PROTOCOL §24.
public struct SLAState: Codable, Sendable, Equatable {
    public var dueAt: String
    public var firstResponseAt: String?
    /// `met`, `breached` (answered late or still unanswered past due) or `running`.
    public var state: String
    /// The SLA policy the case runs under (`default`: `cases.sla_hours`, 24/7).
    public var policy: String?
    public var firstResponse: SLAClockInfo?
    public var nextResponse: SLAClockInfo?
    public var resolution: SLAClockInfo?

    enum CodingKeys: String, CodingKey {
        case state, policy, resolution
        case dueAt = "due_at"
        case firstResponseAt = "first_response_at"
        case firstResponse = "first_response"
        case nextResponse = "next_response"
    }

    public init(dueAt: String, firstResponseAt: String?, state: String, policy: String? = nil, firstResponse: SLAClockInfo? = nil,
                nextResponse: SLAClockInfo? = nil, resolution: SLAClockInfo? = nil) {
        self.dueAt = dueAt
        self.firstResponseAt = firstResponseAt
        self.state = state
        self.policy = policy
        self.firstResponse = firstResponse
        self.nextResponse = nextResponse
        self.resolution = resolution
    }
}

/// One SLA clock of a case (PROTOCOL §24).
public struct SLAClockInfo: Codable, Sendable, Equatable {
    /// The deadline (while paused: the deadline if the clock resumed now); absent when the
    /// calendar never opens again.
    public var dueAt: String?
    /// `running`, `paused`, `met` or `breached`.
    public var state: String
    /// Next response: when the customer's unanswered contact arrived.
    public var startedAt: String?
    /// Running time once the clock stopped, wall-clock and in business hours.
    public var seconds: Int?
    public var businessSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case state, seconds
        case dueAt = "due_at"
        case startedAt = "started_at"
        case businessSeconds = "business_seconds"
    }

    public init(dueAt: String?, state: String, startedAt: String? = nil, seconds: Int? = nil, businessSeconds: Int? = nil) {
        self.dueAt = dueAt
        self.state = state
        self.startedAt = startedAt
        self.seconds = seconds
        self.businessSeconds = businessSeconds
    }
}

/// `sla.warning` and `sla.breached`: a clock of a case reached its warning share or deadline.
public struct SLAAlertEvent: Codable, Sendable, Equatable {
    public var caseInfo: Case
    /// `first_response`, `next_response` or `resolution`.
    public var clock: String
    public var policy: String
    public var dueAt: String
    public var at: String

    enum CodingKeys: String, CodingKey {
        case clock, policy, at
        case caseInfo = "case"
        case dueAt = "due_at"
    }

    public init(caseInfo: Case, clock: String, policy: String, dueAt: String, at: String) {
        self.caseInfo = caseInfo
        self.clock = clock
        self.policy = policy
        self.dueAt = dueAt
        self.at = at
    }
}

public struct Case: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var customer: String
    public var customerName: String
    public var channel: String
    public var channelName: String
    /// The thread root message in `channel`; posting with `thread` = this id talks about the case.
    public var thread: String
    public var status: CaseStatus
    public var priority: CasePriority
    public var owner: String?
    public var ownerName: String?
    public var sourceChannel: ContactChannel?
    public var summary: String?
    public var tags: [String]
    public var tickets: [TicketLink]
    public var sla: SLAState
    public var openedBy: String
    public var createdAt: String
    public var updatedAt: String
    /// Intake signals over the case's contacts: `public` once any inbound contact was public,
    /// `account` the brand account first reached, `reach` the largest audience seen, `verified`
    /// once any author was verified. (Optional on the wire: events logged before these fields
    /// existed lack them.)
    public var isPublic: Bool?
    public var account: String?
    public var reach: Int?
    public var verified: Bool?
    /// The customer's satisfaction score, once given (`case.csat`, PROTOCOL §25).
    public var csat: CaseCSAT?
    /// Topic tags (PROTOCOL §23): from the keyword rules over the inbound texts and set by hand.
    public var topics: [String]?

    enum CodingKeys: String, CodingKey {
        case id, title, customer, channel, thread, status, priority, owner, summary, tags, tickets, sla, account, reach, verified, csat, topics
        case isPublic = "public"
        case customerName = "customer_name"
        case channelName = "channel_name"
        case ownerName = "owner_name"
        case sourceChannel = "source_channel"
        case openedBy = "opened_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public init(id: String, title: String, customer: String, customerName: String, channel: String, channelName: String, thread: String,
                status: CaseStatus, priority: CasePriority, owner: String?, ownerName: String?, sourceChannel: ContactChannel?,
                summary: String?, tags: [String], tickets: [TicketLink], sla: SLAState, openedBy: String, createdAt: String, updatedAt: String,
                isPublic: Bool? = nil, account: String? = nil, reach: Int? = nil, verified: Bool? = nil, csat: CaseCSAT? = nil,
                topics: [String]? = nil) {
        self.isPublic = isPublic
        self.account = account
        self.reach = reach
        self.verified = verified
        self.csat = csat
        self.topics = topics
        self.id = id
        self.title = title
        self.customer = customer
        self.customerName = customerName
        self.channel = channel
        self.channelName = channelName
        self.thread = thread
        self.status = status
        self.priority = priority
        self.owner = owner
        self.ownerName = ownerName
        self.sourceChannel = sourceChannel
        self.summary = summary
        self.tags = tags
        self.tickets = tickets
        self.sla = sla
        self.openedBy = openedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One entry of a customer's cross-channel history. `kind` is one of `interaction`, `opened`,
/// `status`, `priority`, `ticket_linked`, `ticket_unlinked`, `note`, `fact`, `swarm`, `handoff`,
/// `merge`, `kb_shared`. Interactions carry `channel`, `direction`, `author`, `text`; other kinds
/// carry `text` (a one-line description) and `data`.
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var id: String
    public var kind: String
    public var customer: String
    public var caseId: String?
    public var at: String
    public var channel: ContactChannel?
    public var direction: Direction?
    public var author: String?
    public var text: String
    public var externalId: String?
    public var by: String?
    public var data: JSONValue?
    /// Intake signals of an interaction, when the client gave them; `dedicated` says whether
    /// `account` is one of the brand's care accounts (config `intake.dedicated_accounts`).
    public var isPublic: Bool?
    public var account: String?
    public var dedicated: Bool?
    public var reach: Int?
    public var verified: Bool?
    /// A redirect (an outbound interaction sent with `kind: "redirect"`): the contact channel the
    /// customer was sent to (PROTOCOL §25).
    public var redirectTo: ContactChannel?
    /// The earlier inbound entry of the same customer this contact repeats (PROTOCOL §23).
    public var duplicateOf: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, customer, at, channel, direction, author, text, by, data, account, dedicated, reach, verified
        case caseId = "case"
        case externalId = "external_id"
        case duplicateOf = "duplicate_of"
        case isPublic = "public"
        case redirectTo = "redirect_to"
    }

    public init(id: String, kind: String, customer: String, caseId: String?, at: String, channel: ContactChannel?, direction: Direction?,
                author: String?, text: String, externalId: String?, by: String?, data: JSONValue?,
                isPublic: Bool? = nil, account: String? = nil, dedicated: Bool? = nil, reach: Int? = nil, verified: Bool? = nil,
                redirectTo: ContactChannel? = nil, duplicateOf: String? = nil) {
        self.redirectTo = redirectTo
        self.duplicateOf = duplicateOf
        self.isPublic = isPublic
        self.account = account
        self.dedicated = dedicated
        self.reach = reach
        self.verified = verified
        self.id = id
        self.kind = kind
        self.customer = customer
        self.caseId = caseId
        self.at = at
        self.channel = channel
        self.direction = direction
        self.author = author
        self.text = text
        self.externalId = externalId
        self.by = by
        self.data = data
    }
}

public struct CaseFact: Codable, Sendable, Equatable {
    public var key: String
    public var value: String
    public var source: String
    public var caseId: String
    public var by: String
    public var at: String

    enum CodingKeys: String, CodingKey {
        case key, value, source, by, at
        case caseId = "case"
    }

    public init(key: String, value: String, source: String, caseId: String, by: String, at: String) {
        self.key = key
        self.value = value
        self.source = source
        self.caseId = caseId
        self.by = by
        self.at = at
    }
}

public struct Handoff: Codable, Sendable, Equatable {
    public var caseId: String
    public var from: String?
    public var fromName: String?
    public var to: String?
    public var toName: String?
    /// Set when handed to a team channel's queue instead of a person.
    public var toChannel: String?
    public var skill: String?
    public var note: String
    public var at: String

    enum CodingKeys: String, CodingKey {
        case from, to, skill, note, at
        case caseId = "case"
        case fromName = "from_name"
        case toName = "to_name"
        case toChannel = "to_channel"
    }

    public init(caseId: String, from: String?, fromName: String?, to: String?, toName: String?, toChannel: String?, skill: String?, note: String, at: String) {
        self.caseId = caseId
        self.from = from
        self.fromName = fromName
        self.to = to
        self.toName = toName
        self.toChannel = toChannel
        self.skill = skill
        self.note = note
        self.at = at
    }
}

public struct SwarmMember: Codable, Sendable, Equatable {
    public var user: String
    public var name: String
    public var invitedBy: String?
    public var invitedAt: String
    public var joinedAt: String?
    /// Messages this member posted in the case thread.
    public var contributions: Int

    enum CodingKeys: String, CodingKey {
        case user, name, contributions
        case invitedBy = "invited_by"
        case invitedAt = "invited_at"
        case joinedAt = "joined_at"
    }

    public init(user: String, name: String, invitedBy: String?, invitedAt: String, joinedAt: String?, contributions: Int) {
        self.user = user
        self.name = name
        self.invitedBy = invitedBy
        self.invitedAt = invitedAt
        self.joinedAt = joinedAt
        self.contributions = contributions
    }
}
