import Foundation
import SwarmCore
import SwarmProtocol

/// Figures for the Prometheus endpoint (ReportMetrics in SwarmServer).
extension SQLiteStore {
    public struct CaseGauges: Sendable {
        public var open: [String: Int]
        /// Cases whose first response missed its SLA target (always set: the SLA part is part of the schema).
        public var slaMissed: Int?
    }

    public func caseGauges() async throws -> CaseGauges {
        try await read { db in
            var open: [String: Int] = [:]
            for r in try db.fetchAll("SELECT status, COUNT(*) AS n FROM cases WHERE status IN ('new','open','pending') GROUP BY status") {
                open[r["status"]] = r["n"]
            }
            // `case_sla` exists from migration v9-sla-clocks on.
            let missed = try db.fetchOne(Int.self, "SELECT COUNT(*) FROM case_sla WHERE first_response_met = 0")
            return CaseGauges(open: open, slaMissed: missed)
        }
    }

    /// When `entry` (a `t_…` id) is its case's first response: seconds since the customer's first
    /// inbound contact on the case (or the case's opening). Otherwise nil.
    public func firstResponseSeconds(entry: String) async throws -> Double? {
        guard let id = Ids.parse(.timeline, entry) else { return nil }
        return try await read { db in
            guard let row = try db.fetchOne("""
                SELECT \(Self.epoch("t.at")) AS at,
                       (SELECT MIN(o.id) FROM timeline o WHERE o.case_id = t.case_id AND o.kind = 'interaction' AND o.direction = 'outbound') AS first,
                       (SELECT \(Self.epoch("MIN(i.at)")) FROM timeline i WHERE i.case_id = t.case_id AND i.kind = 'interaction' AND i.direction = 'inbound') AS inbound,
                       (SELECT \(Self.epoch("c.created_at")) FROM cases c WHERE c.id = t.case_id) AS opened
                FROM timeline t WHERE t.id = ?
                """, [id]), (row["first"] as Int64?) == id else { return nil }
            let at: Double = row["at"]
            let start: Double? = row["inbound"] ?? row["opened"]
            return start.map { max(0, at - $0) }
        }
    }
}
