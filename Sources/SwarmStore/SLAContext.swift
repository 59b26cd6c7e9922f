import Foundation
import Synchronization
import SwarmCore

/// The SLA settings and the clock the store's SLA rules read. The server configures both at
/// start-up; tests replace the clock, so no test waits for real SLA minutes.
public final class SLAContext: Sendable {
    /// A struct, not a tuple: a closure stored in a tuple inside the generic Mutex is re-wrapped in
    /// two reabstraction thunks on every `withLock` (the inout tuple is converted in and out), so
    /// each call to `now()` walked a longer chain — a contact rate that fell from thousands per
    /// second to ~250 within a minute of seeding (perf: 82 % in Date reabstraction thunks). A
    /// nominal type keeps its field as stored.
    private struct State {
        var settings = SLASettings()
        var now: @Sendable () -> Date = { Date() }
    }

    private let state = Mutex(State())

    public init() {}

    public var settings: SLASettings { state.withLock { $0.settings } }

    public func configure(_ settings: SLASettings) { state.withLock { $0.settings = settings } }

    /// Replaces the clock (tests).
    public func setClock(_ now: @escaping @Sendable () -> Date) { state.withLock { $0.now = now } }

    public func now() -> Date { state.withLock { $0.now }() }
}
