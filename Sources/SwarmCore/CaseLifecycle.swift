import SwarmProtocol

/// The case status machine (PROTOCOL §15.1): which `case.update` moves are allowed, which
/// statuses count as open, and what a status means for the service-level clocks. One place, so the
/// store, the SLA clocks and the reports agree.
public enum CaseLifecycle {
    /// What a status does to the SLA clocks.
    public enum ClockEffect: Sendable, Equatable {
        /// The team owes the customer something: clocks run.
        case runs
        /// Waiting on the customer or a third party: clocks pause.
        case pauses
        /// The case is done: clocks stop (a reopen starts them again where they stopped).
        case stops
    }

    /// Allowed status moves. Reopening (solved/closed → open) is allowed; "moving" to the current
    /// status is no move. Every other move is a `conflict`.
    public static func mayMove(from: CaseStatus, to: CaseStatus) -> Bool {
        switch (from, to) {
        case (let a, let b) where a == b: return false
        case (.new, _): return true
        case (.open, .pending), (.open, .solved), (.open, .closed): return true
        case (.pending, .open), (.pending, .solved), (.pending, .closed): return true
        case (.solved, .closed), (.solved, .open): return true
        case (.closed, .open): return true
        default: return false
        }
    }

    /// A move back to open from a finished case.
    public static func isReopen(from: CaseStatus, to: CaseStatus) -> Bool {
        (from == .solved || from == .closed) && to == .open
    }

    /// `new`, `open` and `pending` cases count toward load and receive routed interactions.
    public static func isOpen(_ status: CaseStatus) -> Bool {
        status == .new || status == .open || status == .pending
    }

    public static func clockEffect(_ status: CaseStatus) -> ClockEffect {
        switch status {
        case .new, .open: return .runs
        case .pending: return .pauses
        case .solved, .closed: return .stops
        }
    }
}
