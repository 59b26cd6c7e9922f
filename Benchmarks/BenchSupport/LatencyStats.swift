#if canImport(Glibc)
import Glibc
#endif

/// Latencies in milliseconds, sorted, with the quantiles the benchmarks report.
public struct LatencyStats: CustomStringConvertible, Sendable {
    public let samples: [Double]

    public init(samples: [Double]) { self.samples = samples.sorted() }

    public func quantile(_ f: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * f))] }
    public var p50: Double { quantile(0.5) }
    public var p99: Double { quantile(0.99) }
    public var description: String { String(format: "p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms", p50, p99, samples.last ?? 0) }

    /// Runs `body` `warm` times untimed (caches, prepared statements), then `n` times timed.
    public static func measure(_ n: Int, warm: Int, _ body: (Int) async throws -> Void) async throws -> LatencyStats {
        for i in 0..<warm { try await body(i) }
        var samples: [Double] = []
        samples.reserveCapacity(n)
        for i in 0..<n {
            let start = ContinuousClock.now
            try await body(i)
            samples.append(milliseconds(ContinuousClock.now - start))
        }
        return LatencyStats(samples: samples)
    }

    /// CPU time this process has used, in milliseconds: a benchmark that runs one call at a time
    /// reports it per call beside the wall time, since on a shared box only the CPU time holds still.
    public static func processCPUMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6
    }

    public static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
