import Foundation
import SwarmCore
import SwarmProtocol

/// Opening, reading, listing and changing cases, and linking tickets to them.
extension SQLiteStore {
    public func openCase(_ p: Principal, _ req: CaseOpenRequest, slaHours: Int, dedicatedAccounts: Set<String> = []) async throws -> Case {
        let title = try Self.validText(req.title, field: "title", max: 200)
        let signals = try Self.signals(isPublic: req.isPublic, account: req.account, reach: req.reach, verified: req.verified)
        let summary = try req.summary.map { try Self.validText($0, field: "summary", max: 4000) }
        let tags = try CaseRules.validTags(req.tags ?? [])
        let now = sla.now()
        let settings = sla.settings
        return try await write { tx in
            try self.idempotent(tx, user: p.id, key: req.idempotencyKey, op: .caseOpen) {
                let customer: Int64
                if let ref = req.customer {
                    customer = try Self.customerId(tx.db, ref: ref)
                } else if let identity = req.identity {
                    customer = try Self.customerFor(tx, identity: identity, name: req.customerName)
                } else {
                    throw SwarmError.badRequest("case.open needs customer or identity")
                }
                let ch = try Self.caseChannel(tx, p, ref: req.channel)
                let id = try Self.insertCase(tx, p, customer: customer, channel: ch, title: title, priority: req.priority ?? .normal,
                                             source: req.sourceChannel, summary: summary, tags: tags, slaHours: slaHours, now: now)
                for ticket in req.tickets ?? [] { try Self.link(tx, p, caseId: id, ticket) }
                try Self.recordCaseSignals(tx, caseId: id, signals, direction: .inbound)
                try Self.refreshSLA(tx, caseId: id, settings: settings, now: now)
                return try Self.announce(tx, caseId: id, change: "opened", by: p)
            }
        }
    }

    public func getCase(_ p: Principal, _ req: CaseRef) async throws -> Case {
        try await read { db in
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .caseGet)
            return try Self.caseModel(db, row)
        }
    }

    public func listCases(_ p: Principal, _ req: CaseListRequest) async throws -> CaseListReply {
        if let l = req.limit, l < 1 || l > 200 { throw SwarmError.badRequest("limit must be 1–200") }
        let limit = req.limit ?? 50
        return try await read { db in
            var conditions: [String] = ["c.id < ?"]
            var args: [(any SQLBindable)?] = [try req.before.map { try Ids.require(.case, $0, field: "before") } ?? Int64.max]
            if let statuses = req.status, !statuses.isEmpty {
                conditions.append("c.status IN (\(statuses.map { _ in "?" }.joined(separator: ",")))")
                args += statuses.map(\.rawValue)
            }
            // `include_unowned` widens an owner filter to the unowned cases too ("mine and up for grabs").
            let orUnowned = req.includeUnowned == true ? " OR c.owner_id IS NULL" : ""
            switch req.owner {
            case nil: if req.includeUnowned == true { throw SwarmError.badRequest("include_unowned needs owner") }
            case "none": conditions.append("c.owner_id IS NULL")
            case "me": conditions.append("(c.owner_id = ?\(orUnowned))"); args.append(p.id)
            case let ref?: conditions.append("(c.owner_id = ?\(orUnowned))"); args.append(try Rows.userRow(db, ref: ref)["id"] as Int64)
            }
            if let ref = req.channel { conditions.append("c.channel_id = ?"); args.append(try Rows.channel(db, ref: ref).id) }
            if let tag = req.tag { conditions.append("c.id IN (SELECT case_id FROM case_tags WHERE tag = ?)"); args.append(tag.lowercased()) }
            if let ref = req.customer { conditions.append("c.customer_id = ?"); args.append(try Self.customerId(db, ref: ref)) }
            if let priority = req.priority { conditions.append("c.priority = ?"); args.append(priority.rawValue) }
            // What each role may see (CaseVisibility), narrowed in SQL so a page is a page:
            // swarmed staff their swarmed cases; agents the cases in channels they can read. Bots'
            // channel patterns are globs, applied with the rule below.
            switch CasePermissions.access(p.role, .caseList) {
            case .swarmed:
                conditions.append("c.id IN (SELECT case_id FROM case_swarm WHERE user_id = ?)")
                args.append(p.id)
            case .any where !Permissions.isStaffLead(p.role):
                conditions.append("(ch.kind = 'public' OR ch.id IN (SELECT channel_id FROM members WHERE user_id = ?))")
                args.append(p.id)
            default: break
            }
            args.append(limit + 1)
            let rows = try db.fetchAll(Self.caseSelect + " WHERE \(conditions.joined(separator: " AND ")) ORDER BY c.id DESC LIMIT ?",
                                       SQLArguments(args))
            // The rule itself decides; the SQL above only keeps pages from being mostly filtered.
            let cases = try rows.prefix(limit).filter { row in
                CaseVisibility.maySee(Self.reader(p), try Self.visibilityFacts(db, p, caseRow: row))
            }.map { try Self.caseModel(db, $0) }
            let next = rows.count > limit ? rows.prefix(limit).last.map { Ids.make(.case, $0["id"]) } : nil
            return CaseListReply(cases: cases, nextBefore: next)
        }
    }

    public func updateCase(_ p: Principal, _ req: CaseUpdateRequest) async throws -> Case {
        let title = try req.title.map { try Self.validText($0, field: "title", max: 200) }
        let summary = try req.summary.map { try Self.validText($0, field: "summary", max: 4000) }
        let tags = try req.tags.map { try CaseRules.validTags($0) }
        guard req.status != nil || req.priority != nil || tags != nil || title != nil || summary != nil || req.owner != nil else {
            throw SwarmError.badRequest("nothing to change: give status, priority, tags, title, summary or owner")
        }
        if let owner = req.owner, owner.trimmingCharacters(in: .whitespaces).isEmpty { throw SwarmError.badRequest("owner is \"me\" or your own user") }
        let clock = sla.now()
        let settings = sla.settings
        return try await write { tx in
            let db = tx.db
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .caseUpdate)
            let id: Int64 = row["id"]
            let customer: Int64 = row["customer_id"]
            let now = Timestamp.format(clock)
            var changes: [String] = []
            if let status = req.status {
                let from = CaseStatus(rawValue: row["status"]) ?? .open
                if from != status {
                    guard CaseLifecycle.mayMove(from: from, to: status) else {
                        throw SwarmError.conflict("a \(from.rawValue) case cannot become \(status.rawValue)")
                    }
                    try db.execute("UPDATE cases SET status = ?, solved_at = CASE WHEN ? = 'solved' THEN ? ELSE solved_at END WHERE id = ?", [status.rawValue, status.rawValue, now, id])
                    let verb = CaseLifecycle.isReopen(from: from, to: status) ? "reopened" : "\(from.rawValue) → \(status.rawValue)"
                    try Self.addTimeline(tx, customer: customer, caseId: id, kind: "status", text: "status \(verb)", at: now, by: p.id,
                                         data: .object(["from": .string(from.rawValue), "to": .string(status.rawValue)]))
                    changes.append("status")
                }
            }
            if let priority = req.priority, priority.rawValue != (row["priority"] as String) {
                try db.execute("UPDATE cases SET priority = ? WHERE id = ?", [priority.rawValue, id])
                try Self.addTimeline(tx, customer: customer, caseId: id, kind: "priority", text: "priority \(row["priority"] as String) → \(priority.rawValue)", by: p.id)
                changes.append("priority")
            }
            if let tags {
                try Self.setTags(tx, caseId: id, tags)
                changes.append("tags")
            }
            if let title {
                try db.execute("UPDATE cases SET title = ? WHERE id = ?", [title, id])
                changes.append("title")
            }
            if let summary {
                try db.execute("UPDATE cases SET summary = ? WHERE id = ?", [summary, id])
                changes.append("summary")
            }
            if let owner = req.owner {
                let taken = try Self.take(tx, p, caseRow: row, owner: owner)
                if taken.opened, !changes.contains("status") { changes.insert("status", at: 0) }
                if taken.changed { changes.append("owner") }
            }
            guard !changes.isEmpty else { return try Self.caseModel(db, row) }
            try db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", [now, id])
            // A status move pauses, stops or resumes the clocks; a priority change may change the policy.
            if changes.contains("status") || changes.contains("priority") { try Self.refreshSLA(tx, caseId: id, settings: settings, now: clock) }
            return try Self.announce(tx, caseId: id, change: changes.joined(separator: ","), by: p)
        }
    }

    public func linkTicket(_ p: Principal, _ req: CaseTicketRequest) async throws -> Case {
        try await write { tx in
            let row = try Self.caseRow(tx.db, ref: req.caseId)
            try Self.authorize(tx.db, p, caseRow: row, .caseLinkTicket)
            let id: Int64 = row["id"]
            try Self.link(tx, p, caseId: id, TicketRef(system: req.system, key: req.key, url: req.url))
            return try Self.announce(tx, caseId: id, change: "ticket_linked", by: p)
        }
    }

    public func unlinkTicket(_ p: Principal, _ req: CaseTicketRequest) async throws -> Case {
        try await write { tx in
            let db = tx.db
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .caseUnlinkTicket)
            let id: Int64 = row["id"]
            let (system, key) = try Self.ticketKey(req.system, req.key)
            try db.execute("UPDATE case_tickets SET unlinked_at = ? WHERE case_id = ? AND system = ? AND key = ? AND unlinked_at IS NULL", [Timestamp.now(), id, system, key])
            guard db.changesCount > 0 else { throw SwarmError.notFound("\(system) \(key) is not linked to this case") }
            try Self.addTimeline(tx, customer: row["customer_id"], caseId: id, kind: "ticket_unlinked", text: "unlinked \(system) \(key)", by: p.id)
            return try Self.announce(tx, caseId: id, change: "ticket_unlinked", by: p)
        }
    }

    public func lookupTicket(_ p: Principal, _ req: TicketRef) async throws -> TicketLookupReply {
        try await read { db in
            let (system, key) = try Self.ticketKey(req.system, req.key)
            // The open case holding the key, else the most recent one that did.
            guard let caseId = try db.fetchOne(Int64.self, """
                SELECT t.case_id FROM case_tickets t JOIN cases c ON c.id = t.case_id
                WHERE t.system = ? AND t.key = ? AND t.unlinked_at IS NULL
                ORDER BY c.status IN ('new','open','pending') DESC, t.id DESC LIMIT 1
                """, [system, key]) else {
                throw SwarmError.notFound("no case is linked to \(system) \(key)")
            }
            let row = try Self.caseRow(db, ref: Ids.make(.case, caseId))
            try Self.authorize(db, p, caseRow: row, .ticketLookup)
            return TicketLookupReply(caseId: Ids.make(.case, caseId), thread: Ids.make(.message, row["thread_id"]),
                                     channel: Ids.make(.channel, row["channel_id"]), status: CaseStatus(rawValue: row["status"]) ?? .open)
        }
    }

    // MARK: - Shared pieces

    static let caseSelect = """
        SELECT c.*, cu.name AS customer_name, ch.name AS channel_name, ch.kind AS channel_kind, o.name AS owner_name
        FROM cases c JOIN customers cu ON cu.id = c.customer_id JOIN channels ch ON ch.id = c.channel_id
        LEFT JOIN users o ON o.id = c.owner_id
        """

    static func caseRow(_ db: SQLDB, ref: String) throws -> SQLRow {
        let id = try Ids.require(.case, ref, field: "case")
        guard let row = try db.fetchOne(caseSelect + " WHERE c.id = ?", [id]) else {
            throw SwarmError.notFound("no such case: \(ref.prefix(64))")
        }
        return row
    }

    static func caseModel(_ db: SQLDB, _ row: SQLRow) throws -> Case {
        let id: Int64 = row["id"]
        let tickets = try db.fetchAll("""
            SELECT t.system, t.key, t.url, t.linked_by, t.linked_at FROM case_tickets t WHERE t.case_id = ? AND t.unlinked_at IS NULL ORDER BY t.id
            """, [id]).map {
            TicketLink(system: $0["system"], key: $0["key"], url: $0["url"], linkedBy: Ids.make(.user, $0["linked_by"]), linkedAt: $0["linked_at"])
        }
        let tags = (try? JSONDecoder().decode([String].self, from: Data((row["tags"] as String).utf8))) ?? []
        let owner: Int64? = row["owner_id"]
        return Case(id: Ids.make(.case, id), title: row["title"], customer: Ids.make(.customer, row["customer_id"]), customerName: row["customer_name"],
                    channel: Ids.make(.channel, row["channel_id"]), channelName: row["channel_name"], thread: Ids.make(.message, row["thread_id"]),
                    status: CaseStatus(rawValue: row["status"]) ?? .open, priority: CasePriority(rawValue: row["priority"]) ?? .normal,
                    owner: owner.map { Ids.make(.user, $0) }, ownerName: row["owner_name"],
                    sourceChannel: (row["source_channel"] as String?).flatMap(ContactChannel.init(rawValue:)), summary: row["summary"],
                    tags: tags, tickets: tickets, sla: try slaState(db, row), openedBy: Ids.make(.user, row["opened_by"]),
                    createdAt: row["created_at"], updatedAt: row["updated_at"],
                    isPublic: row["public"] as Bool? ?? false, account: row["account"], reach: row["reach"] as Int? ?? 0,
                    verified: row["verified"] as Bool? ?? false, csat: try caseCSAT(db, caseId: id), topics: try caseTopics(db, caseId: id))
    }

    /// Checks the per-case part of the permission table (the role × op part ran at dispatch) with
    /// the one rule every case-wide and customer-wide view uses (`CaseVisibility`).
    static func authorize(_ db: SQLDB, _ p: Principal, caseRow row: SQLRow, _ op: Op) throws {
        let access = CasePermissions.access(p.role, op)
        if access == .none { throw SwarmError.forbidden("\(p.role.rawValue) may not use \(op.rawValue)") }
        guard CaseVisibility.allows(access, reader(p), try visibilityFacts(db, p, caseRow: row)) else {
            switch access {
            case .swarmed: throw SwarmError.forbidden("only people swarmed into this case may do that")
            case .scoped: throw SwarmError.forbidden("this token is not scoped for #\(row["channel_name"] as String)")
            default: throw SwarmError.forbidden("this case is in a private channel you are not a member of")
            }
        }
    }

    /// The team channel a case may be opened in (or handed to): not a DM, within a bot's channel
    /// scope; the caller joins it when public, and must already be a member when private.
    static func caseChannel(_ tx: WriteTx, _ p: Principal, ref: String) throws -> ChannelRow {
        let ch = try Rows.channel(tx.db, ref: ref)
        guard ch.kind != .dm else { throw SwarmError.badRequest("cases live in team channels, not direct messages") }
        guard p.scope.allows(channel: ch.name) else { throw SwarmError.forbidden("this token is not scoped for #\(ch.name)") }
        if try !Rows.isMember(tx.db, channel: ch.id, user: p.id) {
            guard ch.kind == .public else { throw SwarmError.forbidden("join #\(ch.name) before opening cases in it") }
            try addMember(tx, channel: ch, user: p.id, by: p.id)
        }
        return ch
    }

    /// Inserts the case and its thread root (a card in the team channel), both ways linked.
    static func insertCase(_ tx: WriteTx, _ p: Principal, customer: Int64, channel ch: ChannelRow, title: String, priority: CasePriority,
                           source: ContactChannel?, summary: String?, tags: [String], slaHours: Int, now date: Date = Date(),
                           openedAt: String? = nil) throws -> Int64 {
        let db = tx.db
        // One writer: the next id is known before the insert, so the root card can name it.
        let id = (try db.fetchOne(Int64.self, "SELECT COALESCE(MAX(id), 0) + 1 FROM cases") ?? 1)
        let customerName = try db.fetchOne(String.self, "SELECT name FROM customers WHERE id = ?", [customer]) ?? "?"
        let caseRef = Ids.make(.case, id)
        let via = source.map { " via \($0.rawValue)" } ?? ""
        let body = "Case \(caseRef): \(title) (customer \(customerName)\(via), priority \(priority.rawValue))"
        let card: JSONValue = .object(["type": .string("case"), "case": .string(caseRef), "title": .string(title),
                                       "customer": .string(Ids.make(.customer, customer)), "customer_name": .string(customerName),
                                       "priority": .string(priority.rawValue)])
        let root = try insertMessage(tx, channel: ch, author: p, body: body, thread: nil, card: card)
        let rootId = try Ids.require(.message, root.id, field: "thread")
        let owned = p.role != .bot
        let now = Timestamp.format(date)
        let due = Timestamp.format(date.addingTimeInterval(Double(slaHours) * 3600))
        try db.execute("""
            INSERT INTO cases(id, title, customer_id, channel_id, thread_id, status, priority, owner_id, source_channel, summary, tags,
                              opened_by, created_at, updated_at, sla_due_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?)
            """, [id, title, customer, ch.id, rootId, owned ? CaseStatus.open.rawValue : CaseStatus.new.rawValue, priority.rawValue,
                             owned ? p.id : nil, source?.rawValue, summary, p.id, now, now, due])
        try setTags(tx, caseId: id, tags)
        try addTimeline(tx, customer: customer, caseId: id, kind: "opened", text: "case opened: \(title)", at: openedAt ?? now, channel: source, by: p.id)
        return id
    }

    static func setTags(_ tx: WriteTx, caseId: Int64, _ tags: [String]) throws {
        try tx.db.execute("DELETE FROM case_tags WHERE case_id = ?", [caseId])
        for tag in tags { try tx.db.execute("INSERT INTO case_tags(case_id, tag) VALUES (?, ?)", [caseId, tag]) }
        try tx.db.execute("UPDATE cases SET tags = ? WHERE id = ?", [String(decoding: try tx.encoder.encode(tags), as: UTF8.self), caseId])
    }

    static func ticketKey(_ system: String, _ key: String) throws -> (String, String) {
        let s = system.trimmingCharacters(in: .whitespaces).lowercased()
        let k = key.trimmingCharacters(in: .whitespaces)
        guard Names.isValid(s, maxLength: 32) else { throw SwarmError.badRequest("ticket system must be a name like zendesk, jira, salesforce") }
        guard !k.isEmpty, k.count <= 128 else { throw SwarmError.badRequest("ticket key must be 1–128 characters") }
        return (s, k)
    }

    /// Links a ticket; a key belongs to at most one open case at a time.
    static func link(_ tx: WriteTx, _ p: Principal, caseId: Int64, _ ticket: TicketRef) throws {
        let db = tx.db
        let (system, key) = try ticketKey(ticket.system, ticket.key)
        if let url = ticket.url { guard url.count <= 2048, url.hasPrefix("http") else { throw SwarmError.badRequest("ticket url must be an http(s) URL") } }
        if let holder = try db.fetchOne(Int64.self, """
            SELECT t.case_id FROM case_tickets t JOIN cases c ON c.id = t.case_id
            WHERE t.system = ? AND t.key = ? AND t.unlinked_at IS NULL AND c.status IN ('new','open','pending')
            """, [system, key]) {
            if holder == caseId { return }
            // Name the other case only to someone who may see it.
            let holderRow = try caseRow(db, ref: Ids.make(.case, holder))
            let named = CaseVisibility.maySee(reader(p), try visibilityFacts(db, p, caseRow: holderRow)) ? "open case \(Ids.make(.case, holder))" : "an open case you cannot see"
            throw SwarmError.conflict("\(system) \(key) is already linked to \(named)")
        }
        try db.execute("INSERT INTO case_tickets(case_id, system, key, url, linked_by, linked_at) VALUES (?, ?, ?, ?, ?, ?)", [caseId, system, key, ticket.url, p.id, Timestamp.now()])
        let customer = try db.fetchOne(Int64.self, "SELECT customer_id FROM cases WHERE id = ?", [caseId]) ?? 0
        try addTimeline(tx, customer: customer, caseId: caseId, kind: "ticket_linked", text: "linked \(system) \(key)", by: p.id,
                        data: .object(["system": .string(system), "key": .string(key), "url": ticket.url.map(JSONValue.string) ?? .null]))
    }

    /// Reads the case back and tells the case channel's members what changed.
    @discardableResult
    static func announce(_ tx: WriteTx, caseId: Int64, change: String, by p: Principal) throws -> Case {
        let row = try caseRow(tx.db, ref: Ids.make(.case, caseId))
        let model = try caseModel(tx.db, row)
        try tx.append(.caseUpdated, channel: row["channel_id"], user: nil, audience: try caseAudience(tx.db, caseRow: row),
                      CaseUpdatedEvent(change: change, caseInfo: model, by: p.userId))
        try refreshQueue(tx, caseId: caseId)
        return model
    }
}
