import Foundation
import SwarmCore
import SwarmProtocol

/// The filtered bin (PROTOCOL §23): contacts the noise filter held back. Nothing is dropped; a
/// lead lists them, restores one (it opens or joins a case exactly as it would have, at its
/// original time) or confirms it as noise.
extension SQLiteStore {
    /// Holds an inbound contact that matched `rule`. The request is checked as `case.interaction`
    /// would check it, so a restore cannot fail on input the bin accepted. A retry with the same
    /// `external_id` gets the same answer.
    public func holdFiltered(_ p: Principal, _ req: InteractionRequest, rule: String, now: Date = Date()) async throws -> InteractionFilteredReply {
        let text = try Self.validText(req.text, field: "text", max: 16_000)
        _ = try Self.signals(isPublic: req.isPublic, account: req.account, reach: req.reach, verified: req.verified)
        let at = try req.at.map { text in
            guard let date = Timestamp.parse(text) else { throw SwarmError.badRequest("at must be an RFC 3339 time") }
            return Timestamp.format(date)
        } ?? Timestamp.format(now)
        if let ext = req.externalId, ext.isEmpty || ext.count > 200 { throw SwarmError.badRequest("external_id must be 1–200 characters") }
        guard req.caseId != nil || req.ticket != nil || req.identity != nil else {
            throw SwarmError.badRequest("case.interaction needs case, ticket or identity")
        }
        if let identity = req.identity { _ = try Self.normalizedHandle(identity) }
        let stored = { var r = req; r.at = at; return r }()
        return try await write { tx in
            let db = tx.db
            if let ext = req.externalId,
               let seen = try db.fetchOne("SELECT id, rule FROM filtered_contacts WHERE channel = ? AND external_id = ?", [req.channel.rawValue, ext]) {
                return Self.filteredNotice(seen["id"], rule: seen["rule"])
            }
            let identity = try req.identity.map { String(decoding: try tx.encoder.encode($0), as: UTF8.self) }
            try db.execute("""
                INSERT INTO filtered_contacts(rule, at, channel, external_id, identity, author, text, request, by_user, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [rule, at, req.channel.rawValue, req.externalId, identity, req.author, text,
                                 String(decoding: try tx.encoder.encode(stored), as: UTF8.self), p.id, Timestamp.format(now)])
            return Self.filteredNotice(try db.lastInsertedRowID, rule: rule)
        }
    }

    static func filteredNotice(_ id: Int64, rule: String) -> InteractionFilteredReply {
        InteractionFilteredReply(filtered: .init(id: Ids.make(.filtered, id), rule: rule,
                                                 message: "held as noise by rule \(rule): no case was opened; a lead may restore it (filtered.restore)"))
    }

    /// Leads and admins only: the bin holds customer text from every channel.
    static func requireBinReader(_ p: Principal) throws {
        guard Permissions.isStaffLead(p.role) else { throw SwarmError.forbidden("only leads and admins may use the filtered bin") }
    }

    public func listFiltered(_ p: Principal, _ req: FilteredListRequest) async throws -> FilteredListReply {
        try Self.requireBinReader(p)
        if let l = req.limit, l < 1 || l > 200 { throw SwarmError.badRequest("limit must be 1–200") }
        let state = req.state ?? "filtered"
        guard ["filtered", "restored", "confirmed", "all"].contains(state) else {
            throw SwarmError.badRequest("state must be filtered, restored, confirmed or all")
        }
        let before = try req.before.map { try Ids.require(.filtered, $0, field: "before") } ?? Int64.max
        let limit = req.limit ?? 50
        return try await read { db in
            let rows = try db.fetchAll("""
                SELECT * FROM filtered_contacts WHERE id < ? AND (? = 'all' OR state = ?) ORDER BY id DESC LIMIT ?
                """, [before, state, state, limit + 1])
            let items = rows.prefix(limit).map(Self.filteredContact)
            return FilteredListReply(items: items, nextBefore: rows.count > limit ? items.last?.id : nil)
        }
    }

    /// Replays the held request as `case.interaction` at its original time, skipping only the
    /// noise filter, and marks the entry restored in the same transaction.
    public func restoreFiltered(_ p: Principal, _ req: FilteredRef, intakeChannel: String, slaHours: Int, followupHours: Int,
                                dedicatedAccounts: Set<String>, triage: TriageSettings, now clock: Date? = nil) async throws -> FilteredRestoreReply {
        try Self.requireBinReader(p)
        let now = clock ?? sla.now()
        let settings = sla.settings
        let id = try Ids.require(.filtered, req.id, field: "id")
        return try await write { tx in
            let db = tx.db
            let row = try Self.filteredRow(db, id)
            guard (row["state"] as String) == "filtered" else { throw SwarmError.conflict("\(req.id) was already \(row["state"] as String)") }
            let held = try JSONDecoder().decode(InteractionRequest.self, from: Data((row["request"] as String).utf8))
            let signals = try Self.signals(isPublic: held.isPublic, account: held.account, reach: held.reach, verified: held.verified)
            let redirect = try Self.redirectTarget(kind: held.kind, redirectTo: held.redirectTo, direction: held.direction)
            let personal = Self.personalDataWarnings(text: held.text, isPublic: held.isPublic)
            let reply = try Self.recordInteraction(tx, p, held, text: held.text, signals: signals, redirect: redirect, personal: personal,
                                                   at: held.at, intakeChannel: intakeChannel, slaHours: slaHours, followupHours: followupHours,
                                                   dedicatedAccounts: dedicatedAccounts, triage: triage, sla: settings, now: now)
            try db.execute("""
                UPDATE filtered_contacts SET state = 'restored', decided_by = ?, decided_at = ?, case_id = ?, entry_id = ? WHERE id = ?
                """, [p.id, Timestamp.format(now), try Ids.require(.case, reply.caseId, field: "case"),
                                 try Ids.require(.timeline, reply.entry.id, field: "entry"), id])
            return FilteredRestoreReply(item: Self.filteredContact(try Self.filteredRow(db, id)), interaction: reply)
        }
    }

    /// Keeps the contact as noise, marked with who decided and when.
    public func confirmFiltered(_ p: Principal, _ req: FilteredRef, now: Date = Date()) async throws -> FilteredContact {
        try Self.requireBinReader(p)
        let id = try Ids.require(.filtered, req.id, field: "id")
        return try await write { tx in
            let row = try Self.filteredRow(tx.db, id)
            guard (row["state"] as String) == "filtered" else { throw SwarmError.conflict("\(req.id) was already \(row["state"] as String)") }
            try tx.db.execute("UPDATE filtered_contacts SET state = 'confirmed', decided_by = ?, decided_at = ? WHERE id = ?", [p.id, Timestamp.format(now), id])
            return Self.filteredContact(try Self.filteredRow(tx.db, id))
        }
    }

    static func filteredRow(_ db: SQLDB, _ id: Int64) throws -> SQLRow {
        guard let row = try db.fetchOne("SELECT * FROM filtered_contacts WHERE id = ?", [id]) else {
            throw SwarmError.notFound("no such filtered contact: \(Ids.make(.filtered, id))")
        }
        return row
    }

    static func filteredContact(_ row: SQLRow) -> FilteredContact {
        let identity = (row["identity"] as String?).flatMap { try? JSONDecoder().decode(Identity.self, from: Data($0.utf8)) }
        return FilteredContact(id: Ids.make(.filtered, row["id"]), rule: row["rule"], state: row["state"], at: row["at"],
                               channel: ContactChannel(rawValue: row["channel"]) ?? .webchat, identity: identity, author: row["author"],
                               text: row["text"], by: Ids.make(.user, row["by_user"]),
                               decidedBy: (row["decided_by"] as Int64?).map { Ids.make(.user, $0) }, decidedAt: row["decided_at"],
                               caseId: (row["case_id"] as Int64?).map { Ids.make(.case, $0) },
                               entry: (row["entry_id"] as Int64?).map { Ids.make(.timeline, $0) })
    }
}
