import Foundation
import SwarmCore
import SwarmProtocol

/// Reading the events other processes (another `swarmd` node, `swarmd admin`) appended to the
/// shared log, so this node can fan them out to its own sockets in log order.
enum LogTail {
    struct Read {
        /// The events to publish, in seq order.
        var events: [LoggedEvent] = []
        /// The highest seq read (published or not); nil when nothing was new.
        var through: Int64?
        /// The read took `limit` rows (published or not): more may follow.
        var full = false
    }

    /// Case events whose live delivery `CaseVisibility` filters, and where their case id sits.
    /// The node that logged one attached its audience in memory; it is not stored, so a node that
    /// reads the event from the log must rebuild it, or it would reach every channel member.
    static let caseEvents: Set<String> = [
        EventName.caseUpdated.rawValue, EventName.slaWarning.rawValue, EventName.slaBreached.rawValue, EventName.caseHandoff.rawValue,
    ]

    /// Events after `after`, in seq order, case events with the audience their case has now (the
    /// rule the replay applies too). A case event whose case cannot be found is read (it counts in
    /// `through`) but not published, as the replay shows it to nobody. Plain, portable SQL: the
    /// payload is parsed here rather than with a database's JSON functions.
    /// `limit` bounds one read of the tail (the rest comes on the next); a write transaction reads
    /// without one, since its own events must follow every earlier one.
    static func read(_ db: SQLDB, after: Int64, limit: Int? = nil) throws -> Read {
        let sql = "SELECT seq, type, channel_id, user_id, data FROM events WHERE seq > ? ORDER BY seq"
        let rows = try limit.map { try db.fetchAll(sql + " LIMIT ?", [after, $0]) } ?? db.fetchAll(sql, [after])
        var out = Read(through: rows.last.map { $0["seq"] as Int64 }, full: limit.map { rows.count >= $0 } ?? false)
        var audiences: [String: CaseAudience?] = [:]
        for row in rows {
            var event = LoggedEvent(row: row)
            if caseEvents.contains(event.type) {
                guard let ref = caseRef(event), let audience = try audiences[ref] ?? audience(db, ref: ref) else { continue }
                audiences[ref] = audience
                event.caseAudience = audience
            }
            out.events.append(event)
        }
        return out
    }

    private static func audience(_ db: SQLDB, ref: String) throws -> CaseAudience? {
        guard let id = Ids.parse(.case, ref), let row = try db.fetchOne(SQLiteStore.caseSelect + " WHERE c.id = ?", [id]) else { return nil }
        return try SQLiteStore.caseAudience(db, caseRow: row)
    }

    /// `data.case.id` (`case.updated`, `sla.*`) or `data.handoff.case` (`case.handoff`).
    static func caseRef(_ event: LoggedEvent) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] else { return nil }
        if event.type == EventName.caseHandoff.rawValue {
            return (object["handoff"] as? [String: Any])?["case"] as? String
        }
        return (object["case"] as? [String: Any])?["id"] as? String
    }
}
