/// A fixed-bucket log-linear histogram of non-negative integers (the tool records microseconds).
/// Values below 2^subBits have a bucket each; above, every power of two is split into
/// 2^(subBits-1) equal buckets, so a reported percentile is within 1/32 (≈3 %) of the true value.
/// Recording is an index computation and an increment; histograms of many connections merge by
/// adding their counts.
struct Histogram: Sendable {
    static let subBits = 6
    static let maxBits = 40
    static let bucketCount = (1 << subBits) + (maxBits - subBits + 1) * (1 << (subBits - 1))

    /// Allocated on the first record, so connections that never record cost nothing.
    private var counts: [UInt32] = []
    private(set) var count = 0
    private(set) var sum: Int64 = 0
    private(set) var min = Int64.max
    private(set) var max: Int64 = 0

    var isEmpty: Bool { count == 0 }
    var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    mutating func record(_ value: Int64) {
        let v = Swift.min(Swift.max(value, 0), (1 << Int64(Self.maxBits)) - 1)
        if counts.isEmpty { counts = Array(repeating: 0, count: Self.bucketCount) }
        counts[Self.index(UInt64(v))] &+= 1
        count += 1
        sum += v
        if v < min { min = v }
        if v > max { max = v }
    }

    mutating func merge(_ other: Histogram) {
        guard !other.isEmpty else { return }
        if counts.isEmpty { counts = Array(repeating: 0, count: Self.bucketCount) }
        for i in 0..<Self.bucketCount { counts[i] &+= other.counts[i] }
        count += other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// The value at quantile `q` (0…1): the middle of its bucket, clamped to the observed range.
    func quantile(_ q: Double) -> Int64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for i in 0..<Self.bucketCount {
            seen += Int(counts[i])
            if seen >= rank {
                let (low, high) = Self.bounds(i)
                let mid = Int64(low + (high - low) / 2)
                return Swift.min(Swift.max(mid, min), max)
            }
        }
        return max
    }

    static func index(_ v: UInt64) -> Int {
        let linear = UInt64(1) << UInt64(subBits)
        if v < linear { return Int(v) }
        let msb = 63 - v.leadingZeroBitCount
        let shift = msb - (subBits - 1)
        let half = 1 << (subBits - 1)
        let top = Int(v >> UInt64(shift))
        return Int(linear) + (shift - 1) * half + (top - half)
    }

    /// Smallest and largest value that land in bucket `i`.
    static func bounds(_ i: Int) -> (UInt64, UInt64) {
        let linear = 1 << subBits
        if i < linear { return (UInt64(i), UInt64(i)) }
        let half = 1 << (subBits - 1)
        let shift = (i - linear) / half + 1
        let top = UInt64((i - linear) % half + half)
        let low = top << UInt64(shift)
        return (low, low + (UInt64(1) << UInt64(shift)) - 1)
    }
}
