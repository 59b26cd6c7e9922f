import Foundation
import SwarmProtocol

/// "Thanks, it works now!" a day after the case was solved is part of that case, not a new
/// problem: a contact from a customer with no open case reopens their most recently solved case
/// when it was solved at most `cases.followup_window_hours` ago (PROTOCOL.md §15, case.interaction
/// routing). Closed cases stay closed: closing is the team's word that the matter is over.
public enum CaseFollowUp {
    /// One of the customer's cases, as much as the rule needs.
    public struct Candidate: Sendable, Equatable {
        public var id: Int64
        public var status: CaseStatus
        /// When it was last solved; nil if never.
        public var solvedAt: Date?

        public init(id: Int64, status: CaseStatus, solvedAt: Date?) {
            self.id = id
            self.status = status
            self.solvedAt = solvedAt
        }
    }

    /// The case a contact at `contactAt` reopens, if any: of the cases now `solved`, the one solved
    /// last, provided that was within `windowHours` before the contact. A window of 0 turns the
    /// rule off. A solve stamped after the contact (a bridge delivering late, clocks apart) counts
    /// as within the window.
    public static func caseToReopen(_ cases: [Candidate], contactAt: Date, windowHours: Int) -> Int64? {
        guard windowHours > 0 else { return nil }
        let latest = cases.filter { $0.status == .solved && $0.solvedAt != nil }.max { ($0.solvedAt!, $0.id) < ($1.solvedAt!, $1.id) }
        guard let latest, let solvedAt = latest.solvedAt else { return nil }
        return contactAt.timeIntervalSince(solvedAt) <= Double(windowHours) * 3600 ? latest.id : nil
    }
}
