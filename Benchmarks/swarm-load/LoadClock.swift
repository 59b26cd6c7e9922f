/// The one clock every connection of the process shares: send timestamps written into message
/// bodies and receive timestamps come from it, so their difference is the end-to-end latency.
enum LoadClock {
    static let origin = ContinuousClock.now

    /// Nanoseconds since the process started using the clock (monotonic).
    static func nanos() -> Int64 {
        (ContinuousClock.now - origin).nanoseconds
    }

    static func instant(atNanos nanos: Int64) -> ContinuousClock.Instant {
        origin.advanced(by: .nanoseconds(nanos))
    }

    /// Sleeps until the clock reads `nanos`; returns at once when that moment has passed.
    static func sleep(untilNanos nanos: Int64) async {
        guard nanos > Self.nanos() else { return }
        try? await Task.sleep(until: instant(atNanos: nanos), clock: .continuous)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }

    var seconds: Double { Double(nanoseconds) / 1e9 }
}
