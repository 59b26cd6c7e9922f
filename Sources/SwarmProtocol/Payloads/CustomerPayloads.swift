/// Requests and replies of the `customer.*` ops.

public struct CustomerCreateRequest: Codable, Sendable {
    public var name: String
    public var crmId: String?
    public var tier: String?
    public var vip: Bool?
    public var language: String?
    public var notes: String?
    public var identities: [Identity]?

    enum CodingKeys: String, CodingKey {
        case name, tier, vip, language, notes, identities
        case crmId = "crm_id"
    }

    public init(name: String, crmId: String? = nil, tier: String? = nil, vip: Bool? = nil, language: String? = nil,
                notes: String? = nil, identities: [Identity]? = nil) {
        self.name = name
        self.crmId = crmId
        self.tier = tier
        self.vip = vip
        self.language = language
        self.notes = notes
        self.identities = identities
    }
}

/// `customer.find`: exactly one of `identity`, `crm_id`, `customer` (id), or `query` (name prefix).
public struct CustomerFindRequest: Codable, Sendable {
    public var identity: Identity?
    public var crmId: String?
    public var customer: String?
    public var query: String?

    enum CodingKeys: String, CodingKey {
        case identity, customer, query
        case crmId = "crm_id"
    }

    public init(identity: Identity? = nil, crmId: String? = nil, customer: String? = nil, query: String? = nil) {
        self.identity = identity
        self.crmId = crmId
        self.customer = customer
        self.query = query
    }
}

public struct CustomerFindReply: Codable, Sendable {
    public var customers: [Customer]
    public init(customers: [Customer]) { self.customers = customers }
}

/// `customer.update`: fields present are changed; `add_identities` attach more handles.
public struct CustomerUpdateRequest: Codable, Sendable {
    public var customer: String
    public var name: String?
    public var crmId: String?
    public var tier: String?
    public var vip: Bool?
    public var language: String?
    public var notes: String?
    public var addIdentities: [Identity]?

    enum CodingKeys: String, CodingKey {
        case customer, name, tier, vip, language, notes
        case crmId = "crm_id"
        case addIdentities = "add_identities"
    }

    public init(customer: String, name: String? = nil, crmId: String? = nil, tier: String? = nil, vip: Bool? = nil,
                language: String? = nil, notes: String? = nil, addIdentities: [Identity]? = nil) {
        self.customer = customer
        self.name = name
        self.crmId = crmId
        self.tier = tier
        self.vip = vip
        self.language = language
        self.notes = notes
        self.addIdentities = addIdentities
    }
}

/// `customer.merge`: `from` is folded into `into` (identities, cases and timeline move).
public struct CustomerMergeRequest: Codable, Sendable {
    public var into: String
    public var from: String
    public var reason: String?
    public init(into: String, from: String, reason: String? = nil) {
        self.into = into
        self.from = from
        self.reason = reason
    }
}

public struct CustomerTimelineRequest: Codable, Sendable {
    public var customer: String
    /// Entry id cursor: entries older than it.
    public var before: String?
    public var limit: Int?
    public init(customer: String, before: String? = nil, limit: Int? = nil) {
        self.customer = customer
        self.before = before
        self.limit = limit
    }
}

public struct TimelinePage: Codable, Sendable, Equatable {
    /// Oldest first.
    public var entries: [TimelineEntry]
    /// Entries the reader may see (all pages).
    public var total: Int
    public var nextBefore: String?
    /// Entries of the customer's cases the reader may not see: counted, never shown (§14).
    public var withheld: Int

    enum CodingKeys: String, CodingKey {
        case entries, total, withheld
        case nextBefore = "next_before"
    }

    public init(entries: [TimelineEntry], total: Int, nextBefore: String?, withheld: Int = 0) {
        self.entries = entries
        self.total = total
        self.nextBefore = nextBefore
        self.withheld = withheld
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        entries = try c.decode([TimelineEntry].self, forKey: .entries)
        total = try c.decode(Int.self, forKey: .total)
        nextBefore = try c.decodeIfPresent(String.self, forKey: .nextBefore)
        // Servers before the privacy rule did not send it.
        withheld = try c.decodeIfPresent(Int.self, forKey: .withheld) ?? 0
    }
}
