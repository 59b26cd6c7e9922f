import BenchSupport

/// One line of the report.
struct Row {
    var label: String
    var stats: LatencyStats
    /// Target for p99 in milliseconds, when the issue names one.
    var target: Double?
    var note = ""
}

/// Times `body` `runs` times after `warm` untimed calls; `setup` runs before each call, untimed
/// (a fresh input line, a channel to switch away from).
func timed(_ runs: Int, warm: Int = 5, setup: (Int) async throws -> Void = { _ in },
           _ body: (Int) async throws -> Void) async throws -> LatencyStats {
    var samples: [Double] = []
    samples.reserveCapacity(runs)
    for i in 0..<(warm + runs) {
        try await setup(i)
        let start = ContinuousClock.now
        try await body(i)
        if i >= warm { samples.append(LatencyStats.milliseconds(ContinuousClock.now - start)) }
    }
    return LatencyStats(samples: samples)
}
