import Foundation
import Synchronization
import SwarmCore

/// The SLA settings and the clock the store's SLA rules read. The server configures both at
/// start-up; tests replace the clock, so no test waits for real SLA minutes.
public final class SLAContext: Sendable {
    private let state = Mutex<(settings: SLASettings, now: @Sendable () -> Date)>((SLASettings(), { Date() }))

    public init() {}

    public var settings: SLASettings { state.withLock { $0.settings } }

    public func configure(_ settings: SLASettings) { state.withLock { $0.settings = settings } }

    /// Replaces the clock (tests).
    public func setClock(_ now: @escaping @Sendable () -> Date) { state.withLock { $0.now = now } }

    public func now() -> Date { state.withLock { $0.now }() }
}
