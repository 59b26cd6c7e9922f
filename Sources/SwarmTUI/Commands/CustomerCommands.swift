import SwarmProtocol

/// /customer find|show|attach|merge|timeline: the customer behind a case, and joining up the
/// profiles one person left on several channels (attach a handle, or merge two profiles) so the
/// brief holds all their conversations. Without a customer id, the open case's customer.
public enum CustomerCommands {
    public static let subcommands = ["find", "show", "attach", "merge", "timeline"]

    public static let details = [
        "/customer find whatsapp:+39… | twitter:@handle | crm:SF-42 | CU12 | name words",
        "/customer show [CU12 | channel:handle]     profile and identities (default: the open case's customer)",
        "/customer attach [CU12] twitter:@maria     add a handle to the customer (one owned by another customer: merge instead)",
        "/customer merge CU4 CU9 [reason]           fold CU9 into CU4 (leads and admins only)",
        "/customer timeline [CU12]                  history across channels, with how much is in cases you cannot see",
    ]

    public static let commands: [SlashCommand] = [
        SlashCommand("customer", [.choice(subcommands), .optionalText], usage: "/customer sub …",
                     summary: "Customers: find who, show, attach channel:handle, merge CU4 CU9, timeline (/help customer)",
                     details: details) { c, args in
            try await run(c, args[0], args[1].split(separator: " ").map(String.init))
        },
    ]

    static func run(_ c: ChatController, _ sub: String, _ words: [String]) async throws {
        var words = words
        /// A leading CU id, else the customer of the case whose thread is open.
        func customerId() async throws -> String {
            if let first = words.first, CustomerLookup.isCustomerId(first) { return words.removeFirst() }
            if let current = await c.model.currentCase { return current.customer }
            throw SwarmError.badRequest("name the customer (CU12) or open a case thread first")
        }
        switch sub {
        case "find":
            guard !words.isEmpty else { throw SwarmError.badRequest("usage: /customer find whatsapp:+39… | crm:SF-42 | CU12 | name") }
            let found = try await c.request(.customerFind, CustomerLookup.request(words.joined(separator: " ")), as: CustomerFindReply.self)
            await c.notice(found.customers.isEmpty ? "no customer matches" : found.customers.map(CustomerPages.summary).joined(separator: "\n"))
        case "show":
            let request = words.isEmpty ? CustomerFindRequest(customer: try await customerId()) : CustomerLookup.request(words.joined(separator: " "))
            let found = try await c.request(.customerFind, request, as: CustomerFindReply.self)
            guard let first = found.customers.first else { throw SwarmError.notFound("no customer matches") }
            await c.notice(CustomerPages.show(first).joined(separator: "\n"))
        case "attach":
            let id = try await customerId()
            // One handle, the rest of the line: phone numbers are often typed with spaces.
            let handle = words.joined(separator: " ")
            guard let identity = CustomerLookup.identity(handle) else {
                throw SwarmError.badRequest("usage: /customer attach [CU12] channel:handle (twitter:@maria, whatsapp:+39 333 1234567)")
            }
            do {
                let updated = try await c.request(.customerUpdate, CustomerUpdateRequest(customer: id, addIdentities: [identity]), as: Customer.self)
                await c.notice("attached to " + CustomerPages.summary(updated))
            } catch let error as SwarmError where error.code == .conflict {
                throw SwarmError.conflict("\(error.message) — /customer find \(handle) shows that profile; a lead can /customer merge \(id) CU…")
            }
        case "merge":
            guard words.count >= 2, CustomerLookup.isCustomerId(words[0]), CustomerLookup.isCustomerId(words[1]) else {
                throw SwarmError.badRequest("usage: /customer merge CU4 CU9 [reason] (CU9 is folded into CU4)")
            }
            let reason = words.dropFirst(2).joined(separator: " ")
            do {
                let merged = try await c.request(.customerMerge, CustomerMergeRequest(into: words[0], from: words[1], reason: reason.isEmpty ? nil : reason), as: Customer.self)
                await c.notice("merged \(words[1]) into " + CustomerPages.summary(merged))
            } catch let error as SwarmError where error.code == .forbidden {
                throw SwarmError.forbidden("merge refused by the server: \(error.message). Ask a lead or admin to merge \(words[1]) into \(words[0]).")
            }
        case "timeline":
            let id = try await customerId()
            let page = try await c.request(.customerTimeline, CustomerTimelineRequest(customer: id, limit: 50), as: TimelinePage.self)
            await c.notice(CustomerPages.timeline(id, page).joined(separator: "\n"))
        default:
            throw SwarmError.badRequest("unknown /customer \(sub)")
        }
    }
}

/// How a person names a customer on the command line, as a `customer.find` request.
public enum CustomerLookup {
    public static func isCustomerId(_ word: String) -> Bool {
        word.count > 2 && word.hasPrefix("CU") && word.dropFirst(2).allSatisfy(\.isNumber)
    }

    /// `whatsapp:+39…` (a contact channel and a handle), nil for anything else.
    public static func identity(_ word: String) -> Identity? {
        let parts = word.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = ContactChannel(rawValue: parts[0].lowercased()), !parts[1].isEmpty else { return nil }
        return Identity(channel: kind, handle: parts[1])
    }

    /// `CU12`, `crm:SF-42`, `channel:handle`, else a name query.
    public static func request(_ text: String) -> CustomerFindRequest {
        let text = text.trimmingTrailingWhitespace()
        if isCustomerId(text) { return CustomerFindRequest(customer: text) }
        if text.lowercased().hasPrefix("crm:"), text.count > 4 { return CustomerFindRequest(crmId: String(text.dropFirst(4))) }
        if let identity = identity(text) { return CustomerFindRequest(identity: identity) }
        return CustomerFindRequest(query: text)
    }
}
