import SwarmProtocol

/// Small statistics with the definitions PROTOCOL §26 states: the median is the middle value (the
/// mean of the two middle ones for an even count) and p90 the nearest-rank 90th percentile (the
/// smallest value at least 90 % of the values are at or below).
public enum ReportStats {
    public static func summary(_ values: [Double]) -> DurationSummary {
        guard !values.isEmpty else { return DurationSummary(count: 0) }
        let sorted = values.sorted()
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
