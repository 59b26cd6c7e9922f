import Foundation
import SwarmCore
import SwarmProtocol

/// SLA clocks as stored: `case_sla` rewritten from the timeline by the rules in SwarmCore
/// (`SLAClock`), and the `sla_alerts` index the scheduler fires from (PROTOCOL §24).
extension SQLiteStore {
    /// Rereads a case's clocks from its history as of `now` and stores them: `case_sla`,
    /// `cases.sla_due_at` (the next running deadline) and the pending alerts. Runs in the
    /// transaction that changed the case.
    static func refreshSLA(_ tx: WriteTx, caseId: Int64, settings: SLASettings, now: Date) throws {
        let db = tx.db
        // The report rollups keep the due time and the first-response verdict written here.
        tx.touchReport(caseId)
        guard let c = try db.fetchOne("""
            SELECT c.priority, c.public, ch.name AS channel_name, cu.tier FROM cases c
            JOIN channels ch ON ch.id = c.channel_id JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?
            """, [caseId]) else { return }
        let facts = SLAPolicy.CaseFacts(channel: c["channel_name"], isPublic: c["public"] as Bool? ?? false,
                                        priority: CasePriority(rawValue: c["priority"]) ?? .normal, tier: c["tier"])
        let policy = SLAPolicy.select(settings.policies, for: facts, slaHours: settings.slaHours)
        let status = SLAClock.read(policy: policy, events: try slaEvents(db, caseId: caseId), now: now, warningShare: settings.warningShare)

        func due(_ d: Date?) -> String? { d.flatMap { $0 == .distantFuture ? nil : Timestamp.format($0) } }
        func columns(_ r: SLAClock.Reading?) -> [(any SQLBindable)?] {
            guard let r else { return [nil, nil, nil, nil, nil] }
            let stopped = r.stoppedAt != nil
            let met: Bool? = stopped ? r.state == .met : (r.state == .breached ? false : nil)
            return [due(r.dueAt), r.state.rawValue, stopped ? Int(r.wallSeconds.rounded()) : nil,
                    stopped ? Int(r.businessSeconds.rounded()) : nil, met]
        }
        var args: [(any SQLBindable)?] = [caseId, policy.name]
        args += columns(status.firstResponse)
        args.append(status.nextResponse.map { Timestamp.format($0.startedAt) })
        args += columns(status.nextResponse)
        args += columns(status.resolution)
        args.append(Timestamp.format(now))
        try db.execute("""
            INSERT INTO case_sla(case_id, policy,
                first_response_due, first_response_state, first_response_seconds, first_response_business_seconds, first_response_met,
                next_response_started, next_response_due, next_response_state, next_response_seconds, next_response_business_seconds, next_response_met,
                resolution_due, resolution_state, resolution_seconds, resolution_business_seconds, resolution_met, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(case_id) DO UPDATE SET
                policy = excluded.policy, first_response_due = excluded.first_response_due,
                first_response_state = excluded.first_response_state, first_response_seconds = excluded.first_response_seconds,
                first_response_business_seconds = excluded.first_response_business_seconds,
                first_response_met = excluded.first_response_met, next_response_started = excluded.next_response_started,
                next_response_due = excluded.next_response_due, next_response_state = excluded.next_response_state,
                next_response_seconds = excluded.next_response_seconds,
                next_response_business_seconds = excluded.next_response_business_seconds,
                next_response_met = excluded.next_response_met, resolution_due = excluded.resolution_due,
                resolution_state = excluded.resolution_state, resolution_seconds = excluded.resolution_seconds,
                resolution_business_seconds = excluded.resolution_business_seconds, resolution_met = excluded.resolution_met,
                updated_at = excluded.updated_at
            """, SQLArguments(args))
        // The next running deadline; with nothing running, the first-response deadline as before.
        if let next = due(status.nextDeadline) ?? due(status.firstResponse?.dueAt) {
            try db.execute("UPDATE cases SET sla_due_at = ? WHERE id = ?", [next, caseId])
        }
        try db.execute("DELETE FROM sla_alerts WHERE case_id = ? AND fired_at IS NULL", [caseId])
        for alert in status.alerts {
            // A fired row with the same key blocks the insert: each alert fires once per wait.
            try db.execute("INSERT INTO sla_alerts(case_id, clock, level, cycle, due_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [caseId, alert.clock.rawValue, alert.level.rawValue, Timestamp.format(alert.cycle), Timestamp.format(alert.at)])
        }
    }

    /// The case's history as the SLA rules read it: opening and inbound contacts, responses
    /// (outbound contacts) and status moves.
    static func slaEvents(_ db: SQLDB, caseId: Int64) throws -> [SLAClock.Event] {
        try db.fetchAll("""
            SELECT kind, at, direction, json_extract(data, '$.to') AS to_status FROM timeline
            WHERE case_id = ? AND kind IN ('opened', 'interaction', 'status') ORDER BY id
            """, [caseId]).compactMap { row in
            guard let at = Timestamp.parse(row["at"]) else { return nil }
            switch row["kind"] as String {
            case "opened": return SLAClock.Event(at: at, .inbound)
            case "interaction": return SLAClock.Event(at: at, (row["direction"] as String?) == "outbound" ? .outbound : .inbound)
            default: return (row["to_status"] as String?).flatMap(CaseStatus.init(rawValue:)).map { SLAClock.Event(at: at, .status($0)) }
            }
        }
    }

    /// The stored SLA of a case for the wire; cases never refreshed (older servers) keep the
    /// first-response-only view.
    static func slaState(_ db: SQLDB, _ row: SQLRow) throws -> SLAState {
        let first: String? = row["first_response_at"]
        guard let s = try db.fetchOne("SELECT * FROM case_sla WHERE case_id = ?", [row["id"] as Int64]) else {
            let due: String = row["sla_due_at"]
            let state = first.map { $0 <= due ? "met" : "breached" } ?? (Timestamp.now() > due ? "breached" : "running")
            return SLAState(dueAt: due, firstResponseAt: first, state: state)
        }
        func clock(_ name: String, started: String? = nil) -> SLAClockInfo? {
            guard let state = s["\(name)_state"] as String? else { return nil }
            return SLAClockInfo(dueAt: s["\(name)_due"], state: state, startedAt: started, seconds: s["\(name)_seconds"],
                                businessSeconds: s["\(name)_business_seconds"])
        }
        let fr = clock("first_response")
        // Older clients know running/met/breached: a paused first response is still running.
        let legacy = fr.map { $0.state == "paused" ? "running" : $0.state } ?? "running"
        return SLAState(dueAt: fr?.dueAt ?? row["sla_due_at"], firstResponseAt: first, state: legacy, policy: s["policy"],
                        firstResponse: fr, nextResponse: clock("next_response", started: s["next_response_started"]),
                        resolution: clock("resolution"))
    }

    /// When the scheduler should next wake: the earliest pending alert.
    public func nextSLAAlert() async throws -> Date? {
        try await read { db in
            try db.fetchOne(String.self, "SELECT MIN(due_at) FROM sla_alerts WHERE fired_at IS NULL").flatMap(Timestamp.parse)
        }
    }

    /// Fires every alert due at the SLA clock's now, each in the transaction that marks it fired,
    /// so a crash either fires and marks it or does neither. An alert older than
    /// `staleAlertHours` is marked without an event (`SLASettings.isStale`). Returns how many fired.
    @discardableResult
    public func fireDueSLAAlerts(leadsChannel: String) async throws -> Int {
        let now = sla.now()
        let settings = sla.settings
        // The scheduler wakes after every contact; most wakes find nothing due. A read of the
        // index's head answers that without taking the writer.
        guard let next = try await nextSLAAlert(), next <= now else { return 0 }
        return try await write { tx in
            let db = tx.db
            let dueAt = Timestamp.format(now)
            let due = try db.fetchAll("""
                SELECT case_id, clock, level, cycle FROM sla_alerts WHERE fired_at IS NULL AND due_at <= ? ORDER BY due_at LIMIT 500
                """, [dueAt])
            var refreshed = Set<Int64>()
            var fired = 0
            for alert in due {
                let caseId: Int64 = alert["case_id"]
                // Reread the clocks first: a response or a pause may have cancelled the alert.
                if refreshed.insert(caseId).inserted { try Self.refreshSLA(tx, caseId: caseId, settings: settings, now: now) }
                let key: [(any SQLBindable)?] = [caseId, alert["clock"] as String, alert["level"] as String, alert["cycle"] as String]
                // Still pending and due after the refresh (its time may have moved)?
                guard let kind = SLAClock.Kind(rawValue: alert["clock"]),
                      let stillDue = try db.fetchOne(String.self, """
                    SELECT due_at FROM sla_alerts WHERE case_id = ? AND clock = ? AND level = ? AND cycle = ? AND fired_at IS NULL AND due_at <= ?
                    """, SQLArguments(key + [dueAt])) else { continue }
                if let alertDue = Timestamp.parse(stillDue), settings.isStale(alertDue: alertDue, now: now) {
                    try db.execute("UPDATE sla_alerts SET fired_at = ? WHERE case_id = ? AND clock = ? AND level = ? AND cycle = ?", SQLArguments([dueAt as (any SQLBindable)?] + key))
                    continue
                }
                // The event names the clock's deadline (a warning's own time is earlier).
                let deadline = try db.fetchOne(String.self, "SELECT \(kind.rawValue)_due FROM case_sla WHERE case_id = ?", [caseId]) ?? dueAt
                // Only the pass that marks the row fires it: another node's pass that read the row
                // unfired waits on its lock, then finds it fired (nodes' writes also take turns on
                // the log head, so this is the second guard, not the only one).
                try db.execute("UPDATE sla_alerts SET fired_at = ? WHERE case_id = ? AND clock = ? AND level = ? AND cycle = ? AND fired_at IS NULL",
                               SQLArguments([dueAt as (any SQLBindable)?] + key))
                guard db.changesCount == 1 else { continue }
                try Self.announceSLA(tx, caseId: caseId, clock: alert["clock"], level: alert["level"], dueAt: deadline, at: dueAt, leadsChannel: leadsChannel)
                fired += 1
            }
            return fired
        }
    }

    /// `sla.warning`/`sla.breached` to the owner and the case's channel, and to the leads channel,
    /// each reader filtered by `CaseVisibility`; and a card in the case thread.
    static func announceSLA(_ tx: WriteTx, caseId: Int64, clock: String, level: String, dueAt: String, at: String, leadsChannel: String) throws {
        let db = tx.db
        let row = try caseRow(db, ref: Ids.make(.case, caseId))
        let model = try caseModel(db, row)
        let audience = try caseAudience(db, caseRow: row)
        let event = SLAAlertEvent(caseInfo: model, clock: clock, policy: model.sla.policy ?? "default", dueAt: dueAt, at: at)
        let name: EventName = level == "warning" ? .slaWarning : .slaBreached
        let channelId: Int64 = row["channel_id"]
        let owner: Int64? = row["owner_id"]
        try tx.append(name, channel: channelId, user: owner, audience: audience, event)
        // The leads channel's members are addressed one by one, leaving out those the event above
        // already reaches, so a lead in both channels gets each alert once (live and replayed).
        if !leadsChannel.isEmpty, let leads = try? Rows.channel(db, ref: leadsChannel), leads.id != channelId {
            let readers = try db.fetchAll(Int64.self, """
                SELECT user_id FROM members WHERE channel_id = ? AND user_id NOT IN (SELECT user_id FROM members WHERE channel_id = ?) ORDER BY user_id
                """, [leads.id, channelId])
            for reader in readers where reader != owner {
                try tx.append(name, channel: nil, user: reader, audience: audience, event)
            }
        }
        // The card is posted by whoever opened the case (usually the intake bot): there is no
        // system user, and a card needs an author who belongs to the channel.
        guard let opener = try db.fetchOne("SELECT id, name, role FROM users WHERE id = ?", [row["opened_by"] as Int64]) else { return }
        let author = Principal(id: opener["id"], name: opener["name"], role: Role(rawValue: opener["role"]) ?? .bot)
        let ch = try Rows.channel(db, ref: Ids.make(.channel, channelId))
        try ensureMember(tx, channel: ch, user: author.id)
        let what = clock.replacingOccurrences(of: "_", with: " ")
        let body = level == "warning" ? "⏳ SLA warning: \(what) due at \(dueAt) (\(event.policy))"
                                      : "⏰ SLA breached: \(what) was due at \(dueAt) (\(event.policy))"
        let card: JSONValue = .object(["type": .string("sla"), "case": .string(model.id), "clock": .string(clock), "level": .string(level),
                                       "due_at": .string(dueAt), "policy": .string(event.policy)])
        _ = try insertMessage(tx, channel: ch, author: author, body: body, thread: row["thread_id"], card: card)
    }
}
