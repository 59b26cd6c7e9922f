import Foundation

/// RFC 3339 UTC timestamps with milliseconds, the only time format on the wire and in the database.
public enum Timestamp {
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    public static func now() -> String { format(Date()) }

    /// The canonical form, written by hand for years 2002–9999 (Foundation's format style cost
    /// ~1 % of a post's CPU: a calendar computation and a formatter per call); Foundation's
    /// otherwise. Milliseconds are the fraction of the second rounded to the nearest, at most
    /// 999 (never into the next second): a time read from its text (`parse`) is a hair below its
    /// millisecond in binary, and truncating, as this toolchain's format style does, wrote it
    /// back a millisecond early about half the time.
    public static func format(_ date: Date) -> String {
        let t = date.timeIntervalSinceReferenceDate
        let whole = t.rounded(.down)
        // 2002-01-01 to 9999-12-31.
        guard whole >= 31_536_000, whole < 252_423_993_600 else { return style.format(date) }
        let millis = min(999, Int(((t - whole) * 1_000).rounded()))
        let seconds = Int(whole) + 978_307_200
        let (days, inDay) = (seconds / 86_400, seconds % 86_400 * 1_000 + millis)
        let (year, month, day) = civil(fromDays: days)
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var v = value
            for i in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[i] = UInt8(0x30 + v % 10)
                v /= 10
            }
        }
        put(year, at: 0, digits: 4); bytes[4] = 0x2D
        put(month, at: 5, digits: 2); bytes[7] = 0x2D
        put(day, at: 8, digits: 2); bytes[10] = 0x54
        put(inDay / 3_600_000, at: 11, digits: 2); bytes[13] = 0x3A
        put(inDay / 60_000 % 60, at: 14, digits: 2); bytes[16] = 0x3A
        put(inDay / 1_000 % 60, at: 17, digits: 2); bytes[19] = 0x2E
        put(inDay % 1_000, at: 20, digits: 3); bytes[23] = 0x5A
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Year, month, day of `days` after 1970-01-01 (H. Hinnant's civil_from_days; days ≥ 0 here).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The canonical form (`2026-03-14T09:26:53.589Z`, what `format` writes and the database
    /// holds) is read by hand; anything else goes to Foundation. Queue and report reads parse
    /// thousands of stored times per request, and the format style's parser costs microseconds
    /// each.
    public static func parse(_ text: String) -> Date? {
        if let date = canonical(text) { return date }
        return try? style.parse(text)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` only, from 2002, with a real calendar date; nil sends the text
    /// to Foundation.
    static func canonical(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            guard b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x2E, b[23] == 0x5A
            else { return nil }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for i in from..<(from + count) {
                    let digit = Int(b[i]) - 0x30
                    guard digit >= 0, digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let millis = number(20, 3),
                  (1...12).contains(month), day >= 1, day <= daysIn(month, of: year), hour < 24, minute < 60, second < 60,
                  // Within about a year of 2001 Foundation's sum rounds differently (4 in 20,000
                  // samples); no stored time is that old, so those go to Foundation.
                  year >= 2002
            else { return nil }
            // Counted from 2001 as Date stores it, so the sum rounds exactly as Foundation's does.
            let seconds = (daysSince1970(year, month, day) - 11_323) * 86_400 + hour * 3_600 + minute * 60 + second
            return Date(timeIntervalSinceReferenceDate: Double(seconds) + Double(millis) / 1_000)
        }
    }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
    static func daysSince1970(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let year = m <= 2 ? y - 1 : y
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Timestamp {
    /// The timestamp `days` days ago, for retention cut-offs.
    public static func cutoff(days: Int, from now: Date = Date()) -> String {
        format(now.addingTimeInterval(-Double(days) * 86_400))
    }
}
