import Foundation
import SwarmCore
import SwarmProtocol

/// Customer profiles, their identities on every contact channel, merges, and the timeline.
extension SQLiteStore {
    public func createCustomer(_ p: Principal, _ req: CustomerCreateRequest) async throws -> Customer {
        let name = try Self.validText(req.name, field: "name", max: 200)
        return try await write { tx in
            let id = try Self.insertCustomer(tx, name: name, crmId: req.crmId, tier: req.tier, vip: req.vip ?? false, language: req.language, notes: req.notes)
            for identity in req.identities ?? [] { try Self.attachIdentity(tx.db, identity, to: id) }
            return try Self.customerModel(tx.db, id: id)
        }
    }

    public func findCustomers(_ p: Principal, _ req: CustomerFindRequest) async throws -> CustomerFindReply {
        let given = [req.identity != nil, req.crmId != nil, req.customer != nil, req.query != nil].filter { $0 }.count
        guard given == 1 else { throw SwarmError.badRequest("give exactly one of identity, crm_id, customer, query") }
        return try await read { db in
            var ids: [Int64] = []
            if let identity = req.identity {
                ids = try db.fetchAll(Int64.self, "SELECT customer_id FROM customer_identities WHERE channel = ? AND handle = ?", [identity.channel.rawValue, Self.normalizedHandle(identity)])
            } else if let crm = req.crmId {
                ids = try db.fetchAll(Int64.self, "SELECT id FROM customers WHERE crm_id = ? AND merged_into IS NULL", [crm])
            } else if let ref = req.customer {
                ids = [try Self.customerId(db, ref: ref)]
            } else if let q = req.query?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
                let pattern = q.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
                ids = try db.fetchAll(Int64.self, """
                    SELECT id FROM customers WHERE merged_into IS NULL AND (name \(db.like) ?1 OR name \(db.like) '% ' || ?1) ORDER BY name LIMIT 50
                    """, [pattern])
            }
            return CustomerFindReply(customers: try ids.map { try Self.customerModel(db, id: $0) })
        }
    }

    public func updateCustomer(_ p: Principal, _ req: CustomerUpdateRequest) async throws -> Customer {
        let name = try req.name.map { try Self.validText($0, field: "name", max: 200) }
        return try await write { tx in
            let db = tx.db
            let id = try Self.customerId(db, ref: req.customer)
            var sets: [String] = []
            var args: [(any SQLBindable)?] = []
            func set(_ column: String, _ value: (any SQLBindable)?) {
                sets.append("\(column) = ?")
                args.append(value)
            }
            if let name { set("name", name) }
            if let crm = req.crmId { set("crm_id", crm.isEmpty ? nil : crm) }
            if let tier = req.tier { set("tier", tier) }
            if let vip = req.vip { set("vip", vip) }
            if let language = req.language { set("language", language) }
            if let notes = req.notes { set("notes", notes) }
            set("updated_at", Timestamp.now())
            do {
                args.append(id)
                try db.execute("UPDATE customers SET \(sets.joined(separator: ", ")) WHERE id = ?", SQLArguments(args))
            } catch is SQLConstraintViolation {
                throw SwarmError.conflict("crm_id \(req.crmId ?? "") belongs to another customer")
            }
            for identity in req.addIdentities ?? [] { try Self.attachIdentity(db, identity, to: id) }
            if req.tier != nil || req.vip != nil { try Self.refreshCustomerQueue(tx, customer: id) }
            return try Self.customerModel(db, id: id)
        }
    }

    /// Folds `from` into `into`: identities, cases and timeline entries move; `from` remains as a
    /// tombstone pointing at `into` (its id keeps resolving), and an audit entry records the merge.
    public func mergeCustomers(_ p: Principal, _ req: CustomerMergeRequest) async throws -> Customer {
        try await write { tx in
            let db = tx.db
            let into = try Self.customerId(db, ref: req.into)
            let from = try Self.customerId(db, ref: req.from)
            guard into != from else { throw SwarmError.badRequest("a customer cannot be merged into itself") }
            let source = try Self.customerModel(db, id: from)
            let target = try Self.customerModel(db, id: into)
            let moved = (
                identities: try db.fetchOne(Int.self, "SELECT COUNT(*) FROM customer_identities WHERE customer_id = ?", [from]) ?? 0,
                cases: try db.fetchOne(Int.self, "SELECT COUNT(*) FROM cases WHERE customer_id = ?", [from]) ?? 0,
                timeline: try db.fetchOne(Int.self, "SELECT COUNT(*) FROM timeline WHERE customer_id = ?", [from]) ?? 0)
            try db.execute("UPDATE customer_identities SET customer_id = ? WHERE customer_id = ?", [into, from])
            try db.execute("UPDATE cases SET customer_id = ? WHERE customer_id = ?", [into, from])
            try db.execute("UPDATE timeline SET customer_id = ? WHERE customer_id = ?", [into, from])
            // Fill blanks of the surviving profile from the merged one; never overwrite.
            try db.execute("""
                UPDATE customers SET
                  tier = COALESCE(tier, ?), language = COALESCE(language, ?),
                  notes = CASE WHEN CAST(? AS TEXT) IS NULL THEN notes WHEN notes IS NULL THEN ? ELSE notes || '\n' || ? END,
                  vip = \(db.greatest)(vip, ?), updated_at = ?
                WHERE id = ?
                """, [source.tier, source.language, source.notes, source.notes, source.notes, source.vip, Timestamp.now(), into])
            let crm = source.crmId
            try db.execute("UPDATE customers SET merged_into = ?, crm_id = NULL, updated_at = ? WHERE id = ?", [into, Timestamp.now(), from])
            if target.crmId == nil, let crm {
                try db.execute("UPDATE customers SET crm_id = ? WHERE id = ?", [crm, into])
            }
            let audit: JSONValue = .object([
                "from": .string(source.id), "into": .string(target.id), "from_name": .string(source.name),
                "from_crm_id": crm.map(JSONValue.string) ?? .null, "reason": req.reason.map(JSONValue.string) ?? .null,
                "identities": .number(Double(moved.identities)), "cases": .number(Double(moved.cases)), "timeline": .number(Double(moved.timeline)),
            ])
            try db.execute("INSERT INTO audit(action, by_user, data, at) VALUES ('customer.merge', ?, ?, ?)", [p.id, String(decoding: try tx.encoder.encode(audit), as: UTF8.self), Timestamp.now()])
            _ = try Self.addTimeline(tx, customer: into, caseId: nil, kind: "merge", text: "merged \(source.name) (\(source.id)) into this profile", by: p.id, data: audit)
            // Members of the moved cases' channels see the new customer on each case.
            for caseId in try db.fetchAll(Int64.self, "SELECT id FROM cases WHERE customer_id = ? AND status IN ('new','open','pending')", [into]) {
                try Self.announce(tx, caseId: caseId, change: "customer_merged", by: p)
            }
            return try Self.customerModel(db, id: into)
        }
    }

    public func customerTimeline(_ p: Principal, _ req: CustomerTimelineRequest) async throws -> TimelinePage {
        try await read { db in
            let id = try Self.customerId(db, ref: req.customer)
            return try Self.timelinePage(db, customer: id, cases: try Self.customerCases(db, p, customer: id), before: req.before, limit: req.limit)
        }
    }

    /// Audit entries of one kind (`customer.merge`), oldest first, for admins and tests.
    public func auditEntries(action: String) async throws -> [JSONValue] {
        try await read { db in
            try db.fetchAll(String.self, "SELECT data FROM audit WHERE action = ? ORDER BY id", [action]).map {
                try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8))
            }
        }
    }

    // MARK: - Shared pieces

    static func insertCustomer(_ tx: WriteTx, name: String, crmId: String?, tier: String?, vip: Bool, language: String?, notes: String?) throws -> Int64 {
        let now = Timestamp.now()
        do {
            try tx.db.execute("""
                INSERT INTO customers(name, crm_id, tier, vip, language, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [name, crmId?.isEmpty == true ? nil : crmId, tier, vip, language, notes, now, now])
        } catch is SQLConstraintViolation {
            throw SwarmError.conflict("crm_id \(crmId ?? "") belongs to another customer")
        }
        return try tx.db.lastInsertedRowID
    }

    /// The customer behind `identity`, created (named `name`, else the handle) when unknown.
    static func customerFor(_ tx: WriteTx, identity: Identity, name: String?) throws -> Int64 {
        let handle = try normalizedHandle(identity)
        if let id = try tx.db.fetchOne(Int64.self, "SELECT customer_id FROM customer_identities WHERE channel = ? AND handle = ?", [identity.channel.rawValue, handle]) {
            return id
        }
        let display = try validText(name ?? identity.handle, field: "customer_name", max: 200)
        let id = try insertCustomer(tx, name: display, crmId: nil, tier: nil, vip: false, language: nil, notes: nil)
        try attachIdentity(tx.db, identity, to: id)
        return id
    }

    static func attachIdentity(_ db: SQLDB, _ identity: Identity, to customer: Int64) throws {
        let handle = try normalizedHandle(identity)
        if let owner = try db.fetchOne(Int64.self, "SELECT customer_id FROM customer_identities WHERE channel = ? AND handle = ?", [identity.channel.rawValue, handle]) {
            guard owner == customer else {
                throw SwarmError.conflict("\(identity.channel.rawValue) \(handle) belongs to \(Ids.make(.customer, owner)); merge the two customers instead")
            }
            return
        }
        try db.execute("INSERT INTO customer_identities(channel, handle, customer_id, added_at) VALUES (?, ?, ?, ?)", [identity.channel.rawValue, handle, customer, Timestamp.now()])
    }

    /// Handles compare case-insensitively; phone-like handles ignore spaces, dashes, dots and brackets.
    static func normalizedHandle(_ identity: Identity) throws -> String {
        var handle = identity.handle.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if identity.channel == .phone || identity.channel == .whatsapp {
            handle = handle.filter { !" -.()".contains($0) }
        }
        guard !handle.isEmpty, handle.count <= 200 else { throw SwarmError.badRequest("identity handle must be 1–200 characters") }
        return handle
    }

    /// Resolves a customer id, following merges to the surviving profile.
    static func customerId(_ db: SQLDB, ref: String) throws -> Int64 {
        var id = try Ids.require(.customer, ref, field: "customer")
        for _ in 0..<16 {
            guard let row = try db.fetchOne("SELECT merged_into FROM customers WHERE id = ?", [id]) else {
                throw SwarmError.notFound("no such customer: \(ref.prefix(64))")
            }
            guard let next = row["merged_into"] as Int64? else { return id }
            id = next
        }
        throw SwarmError(.internal, "customer merge chain too long")
    }

    static func customerModel(_ db: SQLDB, id: Int64) throws -> Customer {
        guard let row = try db.fetchOne("SELECT * FROM customers WHERE id = ?", [id]) else {
            throw SwarmError.notFound("no such customer: \(Ids.make(.customer, id))")
        }
        let identities = try db.fetchAll("SELECT channel, handle FROM customer_identities WHERE customer_id = ? ORDER BY added_at, channel", [id]).compactMap { r -> Identity? in
            ContactChannel(rawValue: r["channel"]).map { Identity(channel: $0, handle: r["handle"]) }
        }
        return Customer(id: Ids.make(.customer, id), name: row["name"], crmId: row["crm_id"], tier: row["tier"], vip: row["vip"],
                        language: row["language"], notes: row["notes"], identities: identities, createdAt: row["created_at"], updatedAt: row["updated_at"])
    }

    @discardableResult
    static func addTimeline(_ tx: WriteTx, customer: Int64, caseId: Int64?, kind: String, text: String, at: String? = nil,
                            channel: ContactChannel? = nil, direction: Direction? = nil, author: String? = nil, externalId: String? = nil,
                            by: Int64?, data: JSONValue? = nil, signals: ContactSignals = ContactSignals(), dedicated: Bool? = nil,
                            redirectTo: ContactChannel? = nil) throws -> TimelineEntry {
        let when = at ?? Timestamp.now()
        if let caseId { tx.touchReport(caseId) }
        let dataJSON = try data.map { String(decoding: try tx.encoder.encode($0), as: UTF8.self) }
        try tx.db.execute("""
            INSERT INTO timeline(customer_id, case_id, kind, at, channel, direction, author, text, external_id, by_user, data,
                                 public, account, dedicated, reach, verified, redirect_to)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [customer, caseId, kind, when, channel?.rawValue, direction?.rawValue, author, text, externalId, by, dataJSON,
                                     signals.isPublic, signals.account, dedicated, signals.reach, signals.verified, redirectTo?.rawValue])
        return TimelineEntry(id: Ids.make(.timeline, try tx.db.lastInsertedRowID), kind: kind, customer: Ids.make(.customer, customer),
                             caseId: caseId.map { Ids.make(.case, $0) }, at: when, channel: channel, direction: direction, author: author,
                             text: text, externalId: externalId, by: by.map { Ids.make(.user, $0) }, data: data,
                             isPublic: signals.isPublic, account: signals.account, dedicated: dedicated, reach: signals.reach, verified: signals.verified,
                             redirectTo: redirectTo)
    }

    static func timelineEntry(_ row: SQLRow) -> TimelineEntry {
        let caseId: Int64? = row["case_id"]
        let by: Int64? = row["by_user"]
        return TimelineEntry(
            id: Ids.make(.timeline, row["id"]), kind: row["kind"], customer: Ids.make(.customer, row["customer_id"]),
            caseId: caseId.map { Ids.make(.case, $0) }, at: row["at"], channel: (row["channel"] as String?).flatMap(ContactChannel.init(rawValue:)),
            direction: (row["direction"] as String?).flatMap(Direction.init(rawValue:)), author: row["author"], text: row["text"],
            externalId: row["external_id"], by: by.map { Ids.make(.user, $0) },
            data: (row["data"] as String?).flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) },
            isPublic: row["public"], account: row["account"], dedicated: row["dedicated"], reach: row["reach"], verified: row["verified"],
            redirectTo: (row["redirect_to"] as String?).flatMap(ContactChannel.init(rawValue:)),
            duplicateOf: (row["duplicate_of"] as Int64?).map { Ids.make(.timeline, $0) })
    }

    static func validText(_ text: String, field: String, max: Int) throws -> String {
        let trimmed = trimmedWhitespace(text)
        // utf8.count is O(1) for native strings and never below the character count, so long
        // texts well under the limit (article bodies on bulk import) skip counting graphemes.
        guard !trimmed.isEmpty, trimmed.utf8.count <= max || trimmed.count <= max else { throw SwarmError.badRequest("\(field) must be 1–\(max) characters") }
        return trimmed
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)` without its cost on long texts: Foundation
    /// walks and rebuilds the whole string through UTF-16 (a visible share of a bulk KB import);
    /// this looks only at the ends and returns the original when there is nothing to trim.
    static func trimmedWhitespace(_ text: String) -> String {
        let ws = CharacterSet.whitespacesAndNewlines
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !ws.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !ws.contains($0) })!
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }
}
