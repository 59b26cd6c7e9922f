import Foundation

/// The SLA configuration the store needs to read a case's clocks.
public struct SLASettings: Sendable, Equatable {
    public var policies: [SLAPolicy]
    /// `cases.sla_hours`: the fallback policy's first-response target.
    public var slaHours: Int
    public var warningShare: Double
    /// An alert found more than this many hours after its time (contacts imported with old `at`
    /// times, a server that was down for days) is recorded as passed without being announced:
    /// nobody can act on a warning for a deadline long gone, and a backfill must not page the desk.
    public var staleAlertHours: Int

    public init(policies: [SLAPolicy] = [], slaHours: Int = 24, warningShare: Double = 0.8, staleAlertHours: Int = 24) {
        self.policies = policies
        self.staleAlertHours = staleAlertHours
        self.slaHours = slaHours
        self.warningShare = warningShare
    }
}

extension SLASettings {
    /// Whether an alert due at `due` is too old at `now` to be announced (`staleAlertHours`).
    /// 0 never: every alert is announced however late.
    public func isStale(alertDue due: Date, now: Date) -> Bool {
        staleAlertHours > 0 && now.timeIntervalSince(due) > Double(staleAlertHours) * 3600
    }
}
