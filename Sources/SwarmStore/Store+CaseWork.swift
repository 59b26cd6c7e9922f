import Foundation
import GRDB
import SwarmCore
import SwarmProtocol

/// Work on a case: customer contacts, notes, facts, question/answer marks.
extension SQLiteStore {
    /// Records a customer contact on the timeline and posts a compact card into the case thread.
    /// Which case: `case`; else the open case linked to `ticket`; else the identity's customer's
    /// most recently updated open case; else its case solved within `followupHours` before the
    /// contact (`CaseFollowUp`), reopened; else a new case in `intakeChannel`. `now` is the clock.
    public func interaction(_ p: Principal, _ req: InteractionRequest, intakeChannel: String, slaHours: Int, followupHours: Int = 72,
                            dedicatedAccounts: Set<String> = [], now: Date = Date()) async throws -> InteractionReply {
        let text = try Self.validText(req.text, field: "text", max: 16_000)
        let signals = try Self.signals(isPublic: req.isPublic, account: req.account, reach: req.reach, verified: req.verified)
        // Stored in the one UTC format, so times compare correctly as text (SLA, ordering).
        let at = try req.at.map { text in
            guard let date = Timestamp.parse(text) else { throw SwarmError.badRequest("at must be an RFC 3339 time") }
            return Timestamp.format(date)
        }
        if let ext = req.externalId, ext.isEmpty || ext.count > 200 { throw SwarmError.badRequest("external_id must be 1–200 characters") }
        guard req.caseId != nil || req.ticket != nil || req.identity != nil else {
            throw SwarmError.badRequest("case.interaction needs case, ticket or identity")
        }
        return try await write { tx in
            let db = tx.db
            if let ext = req.externalId, let seen = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM timeline WHERE channel = ? AND external_id = ?"),
                                                                     arguments: [req.channel.rawValue, ext]) {
                let caseId: Int64 = seen["case_id"]
                // The retry is answered only to someone who may see that case.
                let row = try Self.caseRow(db, ref: Ids.make(.case, caseId))
                try Self.authorize(db, p, caseRow: row, .caseInteraction)
                return InteractionReply(entry: Self.timelineEntry(seen), caseId: Ids.make(.case, caseId), thread: Ids.make(.message, row["thread_id"]),
                                        openedCase: false, duplicate: true)
            }
            var caseRow: Row?
            var customer: Int64?
            if let ref = req.caseId {
                caseRow = try Self.caseRow(db, ref: ref)
            } else if let ticket = req.ticket {
                let (system, key) = try Self.ticketKey(ticket.system, ticket.key)
                guard let id = try Int64.fetchOne(db, sql: """
                    SELECT t.case_id FROM case_tickets t JOIN cases c ON c.id = t.case_id
                    WHERE t.system = ? AND t.key = ? AND t.unlinked_at IS NULL AND c.status IN ('new','open','pending')
                    """, arguments: [system, key]) else { throw SwarmError.notFound("no open case is linked to \(system) \(key)") }
                caseRow = try Self.caseRow(db, ref: Ids.make(.case, id))
            } else if let identity = req.identity {
                let cid = try Self.customerFor(tx, identity: identity, name: req.customerName)
                customer = cid
                if let open = try Int64.fetchOne(db, sql: """
                    SELECT id FROM cases WHERE customer_id = ? AND status IN ('new','open','pending') ORDER BY updated_at DESC, id DESC LIMIT 1
                    """, arguments: [cid]) {
                    caseRow = try Self.caseRow(db, ref: Ids.make(.case, open))
                }
            }
            var opened = false
            var reopened = false
            if caseRow == nil, let customer,
               let row = try Self.followUpCase(db, p, customer: customer, contactAt: at.flatMap(Timestamp.parse) ?? now, windowHours: followupHours) {
                try Self.reopen(tx, row, by: p)
                caseRow = try Self.caseRow(db, ref: Ids.make(.case, row["id"]))
                reopened = true
            }
            if caseRow == nil, let customer {
                let ch = try Self.caseChannel(tx, p, ref: intakeChannel)
                let title = CaseTitle.derived(from: text)
                let id = try Self.insertCase(tx, p, customer: customer, channel: ch, title: title, priority: .normal, source: req.channel,
                                             summary: nil, tags: [], slaHours: slaHours)
                // Before the announcement, so the `opened` event already carries the signals.
                try Self.recordCaseSignals(tx, caseId: id, signals, direction: req.direction)
                try Self.announce(tx, caseId: id, change: "opened", by: p)
                caseRow = try Self.caseRow(db, ref: Ids.make(.case, id))
                opened = true
            }
            guard let row = caseRow else { throw SwarmError.notFound("no case for this interaction") }
            try Self.authorize(db, p, caseRow: row, .caseInteraction)
            let caseId: Int64 = row["id"]
            if let identity = req.identity, req.caseId != nil || req.ticket != nil {
                // A contact from a new handle on a known case: remember the handle for next time.
                let handle = try Self.normalizedHandle(identity)
                if try Int64.fetchOne(db, sql: "SELECT 1 FROM customer_identities WHERE channel = ? AND handle = ?", arguments: [identity.channel.rawValue, handle]) == nil {
                    try Self.attachIdentity(db, identity, to: row["customer_id"])
                }
            }
            let author = req.author ?? (req.direction == .inbound ? row["customer_name"] : p.name)
            let entry = try Self.addTimeline(tx, customer: row["customer_id"], caseId: caseId, kind: "interaction", text: text, at: at,
                                             channel: req.channel, direction: req.direction, author: author, externalId: req.externalId, by: p.id,
                                             signals: signals, dedicated: ContactSignals.isDedicated(signals.account, in: dedicatedAccounts))
            try Self.recordCaseSignals(tx, caseId: caseId, signals, direction: req.direction)
            if req.direction == .outbound {
                try db.execute(sql: "UPDATE cases SET first_response_at = COALESCE(first_response_at, ?) WHERE id = ?", arguments: [entry.at, caseId])
            }
            try Self.queueContact(tx, caseId: caseId, direction: req.direction, at: entry.at, text: text)
            try db.execute(sql: "UPDATE cases SET updated_at = ? WHERE id = ?", arguments: [Timestamp.now(), caseId])
            let arrow = req.direction == .inbound ? "←" : "→"
            let card: JSONValue = .object(["type": .string("interaction"), "case": .string(Ids.make(.case, caseId)), "entry": .string(entry.id),
                                           "channel": .string(req.channel.rawValue), "direction": .string(req.direction.rawValue),
                                           "author": .string(author), "at": .string(entry.at)])
            let ch = try Rows.channel(db, ref: Ids.make(.channel, row["channel_id"]))
            try Self.ensureMember(tx, channel: ch, user: p.id)
            _ = try Self.insertMessage(tx, channel: ch, author: p, body: "[\(req.channel.rawValue) \(arrow)] \(author): \(Self.clip(text, 500))",
                                       thread: row["thread_id"], card: card)
            return InteractionReply(entry: entry, caseId: Ids.make(.case, caseId), thread: Ids.make(.message, row["thread_id"]),
                                    openedCase: opened, duplicate: false, reopened: reopened)
        }
    }

    /// An internal note: a thread message marked internal, with mentions, and a timeline entry
    /// that never counts as a customer contact.
    public func note(_ p: Principal, _ req: CaseNoteRequest) async throws -> Message {
        let text = try Self.validBody(req.text)
        return try await write { tx in
            let row = try Self.caseRow(tx.db, ref: req.caseId)
            try Self.authorize(tx.db, p, caseRow: row, .caseNote)
            let ch = try Rows.channel(tx.db, ref: Ids.make(.channel, row["channel_id"]))
            try Self.ensureMember(tx, channel: ch, user: p.id)
            let card: JSONValue = .object(["type": .string("note"), "case": .string(Ids.make(.case, row["id"])), "internal": .bool(true)])
            let message = try Self.insertMessage(tx, channel: ch, author: p, body: text, thread: row["thread_id"], card: card)
            try Self.addTimeline(tx, customer: row["customer_id"], caseId: row["id"], kind: "note", text: Self.clip(text, 500), author: p.name, by: p.id,
                                 data: .object(["message": .string(message.id), "internal": .bool(true)]))
            return message
        }
    }

    /// "Already asked the customer": a field the customer gave, so nobody asks again.
    public func fact(_ p: Principal, _ req: CaseFactRequest) async throws -> CaseFact {
        let key = req.key.trimmingCharacters(in: .whitespaces).lowercased()
        guard Names.isValid(key, maxLength: 64) else { throw SwarmError.badRequest("fact key must be a name like order_number, email, address") }
        let value = try Self.validText(req.value, field: "value", max: 2000)
        let source = try Self.validText(req.source ?? "agent", field: "source", max: 100)
        return try await write { tx in
            let row = try Self.caseRow(tx.db, ref: req.caseId)
            try Self.authorize(tx.db, p, caseRow: row, .caseFact)
            let now = Timestamp.now()
            try tx.db.execute(sql: """
                INSERT INTO case_facts(case_id, key, value, source, by_user, at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(case_id, key) DO UPDATE SET value = excluded.value, source = excluded.source, by_user = excluded.by_user, at = excluded.at
                """, arguments: [row["id"], key, value, source, p.id, now])
            try Self.addTimeline(tx, customer: row["customer_id"], caseId: row["id"], kind: "fact", text: "\(key) = \(value)", by: p.id,
                                 data: .object(["key": .string(key), "value": .string(value), "source": .string(source)]))
            return CaseFact(key: key, value: value, source: source, caseId: Ids.make(.case, row["id"]), by: p.userId, at: now)
        }
    }

    /// Marks a message as a `question` or an `answer` (or clears with `none`). Anyone who may post
    /// in the channel may mark; the mark is an event for the channel.
    public func mark(_ p: Principal, _ req: MessageMarkRequest) async throws -> Message {
        guard ["question", "answer", "none"].contains(req.mark) else { throw SwarmError.badRequest("mark must be question, answer or none") }
        return try await write { tx in
            let db = tx.db
            let row = try Rows.messageRow(db, ref: req.message)
            guard try Rows.isMember(db, channel: row["channel_id"], user: p.id) else { throw SwarmError.forbidden("join the channel before marking its messages") }
            guard (row["deleted_at"] as String?) == nil else { throw SwarmError.badRequest("a deleted message cannot be marked") }
            var answers: Int64?
            if let q = req.answers {
                guard req.mark == "answer" else { throw SwarmError.badRequest("answers goes with mark answer") }
                let question = try Rows.messageRow(db, ref: q)
                guard (question["channel_id"] as Int64) == (row["channel_id"] as Int64) else { throw SwarmError.badRequest("the question is in another channel") }
                answers = question["id"]
            }
            try db.execute(sql: "UPDATE messages SET mark = ?, answers = ? WHERE id = ?", arguments: [req.mark == "none" ? nil : req.mark, answers, row["id"]])
            var message = Rows.message(try Rows.messageRow(db, ref: req.message))
            message.mark = req.mark == "none" ? nil : req.mark
            try tx.append(.messageMarked, channel: row["channel_id"], user: nil, message: row["id"], message)
            return message
        }
    }

    /// Makes `user` a member (added by `by`, themselves when not given) unless they already are.
    static func ensureMember(_ tx: WriteTx, channel: ChannelRow, user: Int64, by: Int64? = nil) throws {
        if try !Rows.isMember(tx.db, channel: channel.id, user: user) { try addMember(tx, channel: channel, user: user, by: by ?? user) }
    }

    static func clip(_ text: String, _ n: Int) -> String {
        text.count <= n ? text : String(text.prefix(n - 1)) + "…"
    }
}
