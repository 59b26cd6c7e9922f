import SwarmProtocol

/// Small statistics with the definitions PROTOCOL §26 states: the median is the middle value (the
/// mean of the two middle ones for an even count) and p90 the nearest-rank 90th percentile (the
/// smallest value at least 90 % of the values are at or below).
public enum ReportStats {
    public static func summary(_ values: [Double]) -> DurationSummary {
        guard !values.isEmpty else { return DurationSummary(count: 0) }
        let sorted = sortedDurations(values)
        let n = sorted.count
        let mean = sorted.reduce(0, +) / Double(n)
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        let rank = Int((0.9 * Double(n)).rounded(.up))
        let p90 = sorted[max(rank, 1) - 1]
        return DurationSummary(count: n, mean: round(mean, 1), median: round(median, 1), p90: round(p90, 1))
    }

    public static func ratio(_ count: Int, of total: Int) -> Ratio {
        Ratio(count: count, of: total, share: total == 0 ? nil : round(Double(count) / Double(total), 4))
    }

    public static func per(_ numerator: Int, _ denominator: Int, places: Int = 2) -> Double? {
        denominator == 0 ? nil : round(Double(numerator) / Double(denominator), places)
    }

    static func round(_ v: Double, _ places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (v * scale).rounded() / scale
    }
}

extension ReportStats {
    /// `values.sorted()`, the same array to the bit, by an LSD radix sort on the doubles' bit
    /// patterns: a month's report sorts four arrays of up to 100,000 durations per group, and a
    /// comparison sort of them was a large part of writing the figures. Arrays with a NaN or a
    /// negative zero (which `<` cannot order against each other or against 0) and small ones are
    /// left to `sorted()`.
    public static func sortedDurations(_ values: [Double]) -> [Double] {
        guard values.count >= 512 else { return values.sorted() }
        var keys = [UInt64](repeating: 0, count: values.count)
        for i in values.indices {
            let v = values[i]
            guard !v.isNaN, !(v == 0 && v.sign == .minus) else { return values.sorted() }
            // Ascending bit patterns for ascending doubles: flip every bit of a negative, the sign bit of the rest.
            let bits = v.bitPattern
            keys[i] = v.sign == .minus ? ~bits : bits | (1 << 63)
        }
        var other = [UInt64](repeating: 0, count: keys.count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: 0, to: 64, by: 16) {
            for i in counts.indices { counts[i] = 0 }
            for k in keys { counts[Int((k >> UInt64(shift)) & 0xFFFF)] += 1 }
            // A digit all keys share (the high digits of durations, mostly) leaves the order as it is.
            if counts[Int((keys[0] >> UInt64(shift)) & 0xFFFF)] == keys.count { continue }
            var sum = 0
            for i in counts.indices {
                let c = counts[i]
                counts[i] = sum
                sum += c
            }
            for k in keys {
                let d = Int((k >> UInt64(shift)) & 0xFFFF)
                other[counts[d]] = k
                counts[d] += 1
            }
            swap(&keys, &other)
        }
        return keys.map { k in Double(bitPattern: k & (1 << 63) != 0 ? k & ~(1 << 63) : ~k) }
    }
}
