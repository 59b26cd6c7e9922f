/// SplitMix64: a tiny seeded PRNG, so every run (and every machine) builds the same data.
/// Foundation's random is seeded from the system and would make runs incomparable.
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    /// Uniform in 0..<n.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Skewed towards the start of `list` (u² picks low indices more often), like word frequencies.
    public mutating func skewed<T>(_ list: [T]) -> T {
        let u = unit()
        return list[min(list.count - 1, Int(u * u * Double(list.count)))]
    }
    public mutating func pick<T>(_ list: [T]) -> T { list[int(0...(list.count - 1))] }
}
