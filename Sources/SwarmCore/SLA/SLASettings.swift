import Foundation

/// The SLA configuration the store needs to read a case's clocks.
public struct SLASettings: Sendable, Equatable {
    public var policies: [SLAPolicy]
    /// `cases.sla_hours`: the fallback policy's first-response target.
    public var slaHours: Int
    public var warningShare: Double

    public init(policies: [SLAPolicy] = [], slaHours: Int = 24, warningShare: Double = 0.8) {
        self.policies = policies
        self.slaHours = slaHours
        self.warningShare = warningShare
    }
}
