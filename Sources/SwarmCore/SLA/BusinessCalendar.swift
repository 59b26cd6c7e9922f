import Foundation

/// When the team works: always (24/7), or a weekly schedule of open intervals per weekday in a
/// time zone, minus holidays. Business time is counted on absolute instants, so a DST change is
/// simply a shorter or longer local day: "09:00-18:00" is 9 hours on every day, and "00:00-24:00"
/// is 23 hours on the spring-forward day and 25 on the fall-back day.
public struct BusinessCalendar: Sendable, Equatable {
    /// Minutes after local midnight, `start < end ≤ 1440`. Overnight shifts are two intervals.
    public struct Interval: Sendable, Equatable {
        public var start: Int
        public var end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    public var name: String
    /// nil: open around the clock, every day; holidays do not apply.
    public let timeZone: TimeZone?
    /// Indexed by `Calendar` weekday: 1 Sunday … 7 Saturday (index 0 unused).
    public var week: [[Interval]]
    /// Local dates `YYYY-MM-DD` on which the team is closed all day.
    public var holidays: Set<String>
    /// The Gregorian calendar in `timeZone`, made once: building one per step was most of the cost.
    private var gregorian: Calendar?

    /// 24/7.
    public static let always = BusinessCalendar(name: "24x7")

    public init(name: String) {
        self.name = name
        self.timeZone = nil
        self.week = Array(repeating: [], count: 8)
        self.holidays = []
        self.gregorian = nil
    }

    public init(name: String, timeZone: TimeZone, week: [[Interval]], holidays: Set<String> = []) {
        self.name = name
        self.timeZone = timeZone
        self.week = week.count == 8 ? week : Array(repeating: [], count: 8)
        self.holidays = holidays
        self.gregorian = Self.calendar(timeZone)
    }

    public var isAlwaysOpen: Bool { timeZone == nil }

    /// Days searched ahead for the next open minute before giving up (a schedule whose holidays
    /// cover ten years has no deadline).
    static let searchDays = 3660

    /// Business seconds in `[from, to)`; 0 when `to ≤ from`.
    public func businessSeconds(from: Date, to: Date) -> TimeInterval {
        guard to > from else { return 0 }
        guard let cal = gregorian else { return to.timeIntervalSince(from) }
        var total: TimeInterval = 0
        var day = cal.startOfDay(for: from)
        while day < to {
            for (a, b) in openIntervals(onDayStarting: day, cal) {
                let s = max(a, from), e = min(b, to)
                if e > s { total += e.timeIntervalSince(s) }
            }
            day = Self.nextDay(day, cal)
        }
        return total
    }

    /// The instant `seconds` business seconds after `start` (at `start` itself for 0 when open;
    /// else at the next opening). `Date.distantFuture` when the schedule never opens again.
    public func adding(_ seconds: TimeInterval, to start: Date) -> Date {
        guard let cal = gregorian else { return start.addingTimeInterval(max(0, seconds)) }
        var remaining = max(0, seconds)
        var day = cal.startOfDay(for: start)
        for _ in 0..<Self.searchDays {
            for (a, b) in openIntervals(onDayStarting: day, cal) where b > start {
                let s = max(a, start)
                let available = b.timeIntervalSince(s)
                if remaining <= available { return s.addingTimeInterval(remaining) }
                remaining -= available
            }
            day = Self.nextDay(day, cal)
        }
        return .distantFuture
    }

    /// Whether the team is working at `instant`.
    public func isOpen(at instant: Date) -> Bool {
        guard let cal = gregorian else { return true }
        let day = cal.startOfDay(for: instant)
        return openIntervals(onDayStarting: day, cal).contains { $0.0 <= instant && instant < $0.1 }
    }

    /// The open intervals of one local day as instants.
    func openIntervals(onDayStarting day: Date, _ cal: Calendar) -> [(Date, Date)] {
        let parts = cal.dateComponents([.year, .month, .day, .weekday], from: day)
        guard let y = parts.year, let m = parts.month, let d = parts.day, let wd = parts.weekday else { return [] }
        if holidays.contains(String(format: "%04d-%02d-%02d", y, m, d)) { return [] }
        guard !week[wd].isEmpty else { return [] }
        let next = Self.nextDay(day, cal)
        return week[wd].compactMap { iv in
            guard let a = Self.instant(cal, y, m, d, minute: iv.start, nextDay: next),
                  let b = Self.instant(cal, y, m, d, minute: iv.end, nextDay: next), b > a else { return nil }
            return (a, b)
        }
    }

    /// Local wall time to an instant. A time skipped by a DST jump resolves to the instant after
    /// the jump (Foundation's rule), so a skipped hour is never counted.
    static func instant(_ cal: Calendar, _ y: Int, _ m: Int, _ d: Int, minute: Int, nextDay: Date) -> Date? {
        if minute >= 1440 { return nextDay }
        return cal.date(from: DateComponents(year: y, month: m, day: d, hour: minute / 60, minute: minute % 60))
    }

    static func nextDay(_ day: Date, _ cal: Calendar) -> Date {
        // Noon is never skipped by DST, so +1 day from noon lands on the next local date.
        let noon = cal.date(bySettingHour: 12, minute: 0, second: 0, of: day) ?? day.addingTimeInterval(43_200)
        return cal.startOfDay(for: cal.date(byAdding: .day, value: 1, to: noon) ?? noon.addingTimeInterval(86_400))
    }

    static func calendar(_ tz: TimeZone) -> Calendar {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        return cal
    }
}

extension BusinessCalendar {
    public struct ConfigError: Error, CustomStringConvertible, Equatable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Weekday keys as written in config, with their `Calendar` weekday.
    public static let weekdayKeys: [(key: String, weekday: Int)] = [
        ("mon", 2), ("tue", 3), ("wed", 4), ("thu", 5), ("fri", 6), ("sat", 7), ("sun", 1),
    ]

    /// `"09:00-18:00"` → an interval; `24:00` is allowed as an end. Intervals of one day must not
    /// overlap.
    public static func parseIntervals(_ texts: [String]) throws -> [Interval] {
        var result: [Interval] = []
        for text in texts {
            let halves = text.split(separator: "-", omittingEmptySubsequences: false)
            guard halves.count == 2, let a = minutes(String(halves[0])), let b = minutes(String(halves[1])), a < b, a < 1440 else {
                throw ConfigError("bad time interval \"\(text.prefix(40))\": expected HH:MM-HH:MM with start before end, e.g. 09:00-18:00")
            }
            result.append(Interval(start: a, end: b))
        }
        result.sort { $0.start < $1.start }
        for (x, y) in zip(result, result.dropFirst()) where y.start < x.end {
            throw ConfigError("time intervals overlap")
        }
        return result
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.trimmingCharacters(in: " ").split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...24).contains(h), (0...59).contains(m), h < 24 || m == 0 else { return nil }
        return h * 60 + m
    }

    /// A holiday date `YYYY-MM-DD` that exists in the calendar.
    public static func validHoliday(_ text: String) throws -> String {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              let date = calendar(.gmt).date(from: DateComponents(year: y, month: m, day: d)),
              case let back = calendar(.gmt).dateComponents([.year, .month, .day], from: date),
              back.year == y, back.month == m, back.day == d else {
            throw ConfigError("bad holiday \"\(text.prefix(40))\": expected a date YYYY-MM-DD")
        }
        return text
    }
}
