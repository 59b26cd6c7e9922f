import Foundation

/// A message's local clock time and day, for the time column and the date rules between days.
/// Names are fixed English abbreviations, as the rest of the client's text is: no locale lookup on
/// a redraw.
struct LocalTime {
    private let calendar: Calendar
    private let parser: Date.ISO8601FormatStyle

    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        var parser = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        parser.timeZone = .gmt
        self.parser = parser
    }

    /// "09:05", the day as a number that changes at local midnight, "Thu 3 Dec 2026" and the
    /// short "Thu 3 Dec" of result lists; nil for a timestamp that does not parse.
    func parts(_ rfc3339: String) -> (clock: String, day: Int, label: String, short: String)? {
        guard let date = try? parser.parse(rfc3339) else { return nil }
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        let (y, m, d) = (c.year ?? 0, c.month ?? 1, c.day ?? 1)
        let clock = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        let short = "\(Self.weekdays[((c.weekday ?? 1) - 1) % 7]) \(d) \(Self.months[(m - 1) % 12])"
        return (clock, y * 10_000 + m * 100 + d, "\(short) \(y)", short)
    }

    /// "── Thu 3 Dec 2026 ─────…" across `width` cells.
    static func rule(_ label: String, width: Int) -> String {
        let head = "── \(label) "
        return head + String(repeating: "─", count: max(2, width - TextWidth.of(head)))
    }
}
