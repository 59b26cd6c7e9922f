/// Terminal charts for report series: horizontal bars (one labelled line per hour or day) and a
/// one-line sparkline. Plain strings, so the CLI, the interactive client and tests share them.
public enum ReportChart {
    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A bar of `value / max` of `width` cells, in eighths of a cell; an empty string for 0.
    public static func bar(_ value: Double, max: Double, width: Int) -> String {
        guard max > 0, value > 0, width > 0 else { return "" }
        let eighthsTotal = Int((min(value, max) / max * Double(width * 8)).rounded())
        let full = eighthsTotal / 8
        let rest = eighthsTotal % 8
        // A value above zero never draws as nothing.
        if full == 0 && rest == 0 { return String(eighths[0]) }
        return String(repeating: "█", count: full) + (rest > 0 ? String(eighths[rest - 1]) : "")
    }

    /// One line per point: label, bar scaled to the largest value, and the value as text.
    public static func bars(_ points: [(label: String, value: Double?, text: String)], width: Int = 40) -> [String] {
        let top = points.compactMap(\.value).max() ?? 0
        let labelWidth = points.map(\.label.count).max() ?? 0
        return points.map { p in
            let label = p.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            let drawn = bar(p.value ?? 0, max: top, width: width)
            return "\(label) │\(drawn.padding(toLength: width, withPad: " ", startingAt: 0)) \(p.text)"
        }
    }

    /// One character per value, the largest drawn full; absent values as a space.
    public static func sparkline(_ values: [Double?]) -> String {
        let top = values.compactMap { $0 }.max() ?? 0
        return String(values.map { v -> Character in
            guard let v else { return " " }
            guard top > 0 else { return sparks[0] }
            return sparks[Swift.min(sparks.count - 1, Int((v / top * Double(sparks.count - 1)).rounded()))]
        })
    }
}
