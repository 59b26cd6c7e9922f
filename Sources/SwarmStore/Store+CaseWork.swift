import Foundation
import SwarmCore
import SwarmProtocol

/// Work on a case: customer contacts, notes, facts, question/answer marks.
extension SQLiteStore {
    /// Records a customer contact on the timeline and posts a compact card into the case thread.
    /// Which case: `case`; else the open case linked to `ticket`; else the identity's customer's
    /// most recently updated open case; else its case solved within `followupHours` before the
    /// contact (`CaseFollowUp`), reopened; else a new case in `intakeChannel`. `now` is the clock.
    /// An inbound repeat of the customer's own recent contact (`triage.duplicates`) joins that
    /// contact's open case and is marked `duplicate_of` it; inbound texts tag the case's topics.
    public func interaction(_ p: Principal, _ req: InteractionRequest, intakeChannel: String, slaHours: Int, followupHours: Int = 72,
                            dedicatedAccounts: Set<String> = [], triage: TriageSettings = .off, now clock: Date? = nil) async throws -> InteractionReply {
        let now = clock ?? sla.now()
        let text = try Self.validText(req.text, field: "text", max: 16_000)
        let signals = try Self.signals(isPublic: req.isPublic, account: req.account, reach: req.reach, verified: req.verified)
        let redirect = try Self.redirectTarget(kind: req.kind, redirectTo: req.redirectTo, direction: req.direction)
        let personal = Self.personalDataWarnings(text: text, isPublic: req.isPublic)
        // Stored in the one UTC format, so times compare correctly as text (SLA, ordering).
        let at = try req.at.map { text in
            guard let date = Timestamp.parse(text) else { throw SwarmError.badRequest("at must be an RFC 3339 time") }
            return Timestamp.format(date)
        }
        if let ext = req.externalId, ext.isEmpty || ext.count > 200 { throw SwarmError.badRequest("external_id must be 1–200 characters") }
        guard req.caseId != nil || req.ticket != nil || req.identity != nil else {
            throw SwarmError.badRequest("case.interaction needs case, ticket or identity")
        }
        let settings = sla.settings
        return try await write { tx in
            try Self.recordInteraction(tx, p, req, text: text, signals: signals, redirect: redirect, personal: personal, at: at,
                                       intakeChannel: intakeChannel, slaHours: slaHours, followupHours: followupHours,
                                       dedicatedAccounts: dedicatedAccounts, triage: triage, sla: settings, now: now)
        }
    }

    /// The write half of `interaction`, also used by `filtered.restore` (one transaction with
    /// marking the bin entry restored). `at` is the checked, formatted contact time.
    static func recordInteraction(_ tx: WriteTx, _ p: Principal, _ req: InteractionRequest, text: String, signals: ContactSignals,
                                  redirect: ContactChannel?, personal: (kinds: [PersonalData.Kind], warnings: [ContactWarning]?), at: String?,
                                  intakeChannel: String, slaHours: Int, followupHours: Int, dedicatedAccounts: Set<String>,
                                  triage: TriageSettings, sla settings: SLASettings, now: Date) throws -> InteractionReply {
        do {  // the former write closure's body, at its old indentation so the change stays reviewable
            let db = tx.db
            let contactAt = at.flatMap(Timestamp.parse) ?? now
            var duplicate: (entry: Int64, caseId: Int64?)?
            if let ext = req.externalId, let seen = try db.fetchOne("SELECT * FROM timeline WHERE channel = ? AND external_id = ?", [req.channel.rawValue, ext]) {
                let caseId: Int64 = seen["case_id"]
                // The retry is answered only to someone who may see that case.
                let row = try Self.caseRow(db, ref: Ids.make(.case, caseId))
                try Self.authorize(db, p, caseRow: row, .caseInteraction)
                return InteractionReply(entry: Self.timelineEntry(seen), caseId: Ids.make(.case, caseId), thread: Ids.make(.message, row["thread_id"]),
                                        openedCase: false, duplicate: true)
            }
            var caseRow: SQLRow?
            var customer: Int64?
            if let ref = req.caseId {
                caseRow = try Self.caseRow(db, ref: ref)
            } else if let ticket = req.ticket {
                let (system, key) = try Self.ticketKey(ticket.system, ticket.key)
                guard let id = try db.fetchOne(Int64.self, """
                    SELECT t.case_id FROM case_tickets t JOIN cases c ON c.id = t.case_id
                    WHERE t.system = ? AND t.key = ? AND t.unlinked_at IS NULL AND c.status IN ('new','open','pending')
                    """, [system, key]) else { throw SwarmError.notFound("no open case is linked to \(system) \(key)") }
                caseRow = try Self.caseRow(db, ref: Ids.make(.case, id))
            } else if let identity = req.identity {
                let cid = try Self.customerFor(tx, identity: identity, name: req.customerName)
                customer = cid
                if req.direction == .inbound {
                    // The same complaint again (any identity, any contact channel) joins the earlier one's case while it is open.
                    duplicate = try Self.duplicateOf(db, rule: triage.duplicates, customer: cid, text: text, at: contactAt)
                    if let row = try Self.openCaseRow(db, duplicate?.caseId), (try? Self.authorize(db, p, caseRow: row, .caseInteraction)) != nil {
                        caseRow = row
                    }
                }
                if caseRow == nil, let open = try db.fetchOne(Int64.self, """
                    SELECT id FROM cases WHERE customer_id = ? AND status IN ('new','open','pending') ORDER BY updated_at DESC, id DESC LIMIT 1
                    """, [cid]) {
                    caseRow = try Self.caseRow(db, ref: Ids.make(.case, open))
                }
            }
            var opened = false
            var reopened = false
            if caseRow == nil, let customer,
               let row = try Self.followUpCase(db, p, customer: customer, contactAt: contactAt, windowHours: followupHours) {
                try Self.reopen(tx, row, by: p, at: Timestamp.format(now))
                caseRow = try Self.caseRow(db, ref: Ids.make(.case, row["id"]))
                reopened = true
            }
            if caseRow == nil, let customer {
                let ch = try Self.caseChannel(tx, p, ref: intakeChannel)
                let title = CaseTitle.derived(from: text)
                let id = try Self.insertCase(tx, p, customer: customer, channel: ch, title: title, priority: .normal, source: req.channel,
                                             summary: nil, tags: [], slaHours: slaHours, now: now, openedAt: at)
                // Before the announcement, so the `opened` event already carries the signals and
                // the clocks (which start at the contact's time: the `opened` entry carries it).
                try Self.recordCaseSignals(tx, caseId: id, signals, direction: req.direction)
                try Self.refreshSLA(tx, caseId: id, settings: settings, now: now)
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
                if try db.fetchOne(Int64.self, "SELECT 1 FROM customer_identities WHERE channel = ? AND handle = ?", [identity.channel.rawValue, handle]) == nil {
                    try Self.attachIdentity(db, identity, to: row["customer_id"])
                }
            }
            if req.direction == .inbound, req.identity == nil || req.caseId != nil || req.ticket != nil {
                duplicate = try Self.duplicateOf(db, rule: triage.duplicates, customer: row["customer_id"], text: text, at: contactAt)
            }
            let author = req.author ?? (req.direction == .inbound ? row["customer_name"] : p.name)
            var entry = try Self.addTimeline(tx, customer: row["customer_id"], caseId: caseId, kind: "interaction", text: text, at: at ?? Timestamp.format(now),
                                             channel: req.channel, direction: req.direction, author: author, externalId: req.externalId, by: p.id,
                                             signals: signals, dedicated: ContactSignals.isDedicated(signals.account, in: dedicatedAccounts),
                                             redirectTo: redirect)
            try Self.recordCaseSignals(tx, caseId: caseId, signals, direction: req.direction)
            if let duplicate {
                try db.execute("UPDATE timeline SET duplicate_of = ? WHERE id = ?", [duplicate.entry, try Ids.require(.timeline, entry.id, field: "entry")])
                entry.duplicateOf = Ids.make(.timeline, duplicate.entry)
            }
            if req.direction == .outbound {
                try db.execute("UPDATE cases SET first_response_at = COALESCE(first_response_at, ?) WHERE id = ?", [entry.at, caseId])
            }
            try Self.queueContact(tx, caseId: caseId, direction: req.direction, at: entry.at, text: text)
            try db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", [Timestamp.format(now), caseId])
            // Every contact starts, answers or extends a wait: the clocks are reread from the timeline.
            try Self.refreshSLA(tx, caseId: caseId, settings: settings, now: now)
            let arrow = req.direction == .inbound ? "←" : "→"
            var card: [String: JSONValue] = ["type": .string("interaction"), "case": .string(Ids.make(.case, caseId)), "entry": .string(entry.id),
                                             "channel": .string(req.channel.rawValue), "direction": .string(req.direction.rawValue),
                                             "author": .string(author), "at": .string(entry.at)]
            // Redirect and personal-data flags (PROTOCOL §25), only when they apply.
            if let redirect { card["redirect_to"] = .string(redirect.rawValue) }
            if !personal.kinds.isEmpty { card["personal_data"] = .array(personal.kinds.map { .string($0.rawValue) }) }
            let ch = try Rows.channel(db, ref: Ids.make(.channel, row["channel_id"]))
            try Self.ensureMember(tx, channel: ch, user: p.id)
            // Shown in the body too, so every client's thread view says it without reading the card.
            let via = (redirect.map { " ↪ redirected to \($0.rawValue)" } ?? "")
                + (personal.kinds.isEmpty ? "" : " ⚠ personal data (\(personal.kinds.map(\.rawValue).joined(separator: ", ")))")
            _ = try Self.insertMessage(tx, channel: ch, author: p, body: "[\(req.channel.rawValue) \(arrow)] \(author)\(via): \(Self.clip(text, 500))",
                                       thread: row["thread_id"], card: .object(card))
            // After the contact's card, so a spike alert it causes follows it.
            if req.direction == .inbound {
                try Self.recordTopics(tx, p, caseId: caseId, text: text, at: contactAt, duplicate: duplicate != nil, settings: triage, now: now)
            }
            return InteractionReply(entry: entry, caseId: Ids.make(.case, caseId), thread: Ids.make(.message, row["thread_id"]),
                                    openedCase: opened, duplicate: false, reopened: reopened, warnings: personal.warnings)
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
            try tx.db.execute("""
                INSERT INTO case_facts(case_id, key, value, source, by_user, at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(case_id, key) DO UPDATE SET value = excluded.value, source = excluded.source, by_user = excluded.by_user, at = excluded.at
                """, [row["id"], key, value, source, p.id, now])
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
            try db.execute("UPDATE messages SET mark = ?, answers = ? WHERE id = ?", [req.mark == "none" ? nil : req.mark, answers, row["id"]])
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
