import SwarmCore
import Testing

/// `ReportStats.sortedDurations` (a radix sort on bit patterns) must give the very array
/// `sorted()` gives, to the bit: the figures' means are summed in sorted order.
@Suite("Report duration sort")
struct ReportSortTests {
    /// SplitMix64: the same values on every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func check(_ values: [Double]) {
        #expect(ReportStats.sortedDurations(values).map(\.bitPattern) == values.sorted().map(\.bitPattern))
    }

    @Test("same array as sorted(): durations, ties, negatives, extremes, every size around the cut-over")
    func sameAsSorted() {
        var rng = Seeded(state: 12)
        let specials: [Double] = [0, 1, -1, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                  .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-300, 86_400]
        for n in [0, 1, 2, 511, 512, 513, 4_000, 100_000] {
            // Quantized (many ties, as response times in 10-minute steps are), to the millisecond, and anything at all.
            Self.check((0..<n).map { _ in Double(Int.random(in: 0...50, using: &rng)) * 600 })
            Self.check((0..<n).map { _ in Double(Int.random(in: 0...100_000_000, using: &rng)) / 1000 })
            Self.check((0..<n).map { i in
                i % 7 == 0 ? specials[i % specials.count] : Double(bitPattern: rng.next() & ~(0x7FF0 << 48) | (UInt64.random(in: 0..<0x7FF, using: &rng) << 52))
            })
        }
    }

    @Test("arrays with a negative zero or a NaN are left to sorted()")
    func fallBack() {
        var rng = Seeded(state: 3)
        var values = (0..<2_000).map { _ in Double(Int.random(in: -5...5, using: &rng)) }
        values[100] = -0.0
        Self.check(values)
        #expect(ReportStats.sortedDurations(values).count == values.count)
        values[100] = .nan
        // sorted() leaves a NaN wherever its comparisons put it: the same call, the same place.
        #expect(ReportStats.sortedDurations(values).map(\.bitPattern) == values.sorted().map(\.bitPattern))
    }
}
