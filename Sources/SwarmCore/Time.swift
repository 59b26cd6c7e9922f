import Foundation

/// RFC 3339 UTC timestamps with milliseconds, the only time format on the wire and in the database.
public enum Timestamp {
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    public static func now() -> String { format(Date()) }

    public static func format(_ date: Date) -> String { style.format(date) }

    public static func parse(_ text: String) -> Date? { try? style.parse(text) }
}

extension Timestamp {
    /// The timestamp `days` days ago, for retention cut-offs.
    public static func cutoff(days: Int, from now: Date = Date()) -> String {
        format(now.addingTimeInterval(-Double(days) * 86_400))
    }
}
