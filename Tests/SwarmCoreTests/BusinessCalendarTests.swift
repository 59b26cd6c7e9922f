import Foundation
import SwarmCore
import Testing

/// Business-hours arithmetic on fixed instants: no clock, no sleeping.
@Suite("Business calendar")
struct BusinessCalendarTests {
    static let rome = TimeZone(identifier: "Europe/Rome")!

    static func t(_ s: String) -> Date { Timestamp.parse(s)! }

    /// Mon–Fri 09:00-18:00 in Rome, Christmas closed.
    static func office(holidays: Set<String> = ["2026-12-25"]) throws -> BusinessCalendar {
        var week = Array(repeating: [BusinessCalendar.Interval](), count: 8)
        for wd in 2...6 { week[wd] = try BusinessCalendar.parseIntervals(["09:00-18:00"]) }
        return BusinessCalendar(name: "office", timeZone: rome, week: week, holidays: holidays)
    }

    static func everyDay(_ intervals: [String]) throws -> BusinessCalendar {
        let day = try BusinessCalendar.parseIntervals(intervals)
        return BusinessCalendar(name: "all", timeZone: rome, week: [[]] + Array(repeating: day, count: 7))
    }

    @Test func alwaysOpenIsWallClock() {
        let a = Self.t("2026-03-28T10:00:00.000Z"), b = Self.t("2026-03-30T10:00:00.000Z")
        #expect(BusinessCalendar.always.businessSeconds(from: a, to: b) == 172_800)
        #expect(BusinessCalendar.always.adding(900, to: a) == Self.t("2026-03-28T10:15:00.000Z"))
        #expect(BusinessCalendar.always.businessSeconds(from: b, to: a) == 0)
    }

    @Test func withinOneDay() throws {
        let cal = try Self.office()
        // Tue 2026-03-03 10:00 CET = 09:00Z.
        #expect(cal.businessSeconds(from: Self.t("2026-03-03T09:00:00.000Z"), to: Self.t("2026-03-03T11:30:00.000Z")) == 9000)
        #expect(cal.adding(3600, to: Self.t("2026-03-03T09:00:00.000Z")) == Self.t("2026-03-03T10:00:00.000Z"))
        #expect(cal.isOpen(at: Self.t("2026-03-03T16:59:00.000Z")))
        #expect(!cal.isOpen(at: Self.t("2026-03-03T17:00:00.000Z")))
    }

    @Test func beforeOpeningStartsAtOpening() throws {
        let cal = try Self.office()
        // Tue 07:00 local: an hour of work ends at 10:00 local (09:00Z).
        #expect(cal.adding(3600, to: Self.t("2026-03-03T06:00:00.000Z")) == Self.t("2026-03-03T09:00:00.000Z"))
        #expect(cal.adding(0, to: Self.t("2026-03-03T06:00:00.000Z")) == Self.t("2026-03-03T08:00:00.000Z"))
    }

    @Test func overTheWeekend() throws {
        let cal = try Self.office()
        // Fri 2026-03-06 17:00 CET (16:00Z) + 2 h → Mon 10:00 CET (09:00Z).
        let fri = Self.t("2026-03-06T16:00:00.000Z")
        #expect(cal.adding(7200, to: fri) == Self.t("2026-03-09T09:00:00.000Z"))
        #expect(cal.businessSeconds(from: fri, to: Self.t("2026-03-09T09:00:00.000Z")) == 7200)
        // A whole weekend counts nothing.
        #expect(cal.businessSeconds(from: Self.t("2026-03-07T00:00:00.000Z"), to: Self.t("2026-03-08T22:00:00.000Z")) == 0)
    }

    @Test func holidaysAreClosed() throws {
        let cal = try Self.office()
        // Thu 2026-12-24 17:00 CET + 2 h: Fri 25 is a holiday → Mon 28 10:00 CET (09:00Z).
        #expect(cal.adding(7200, to: Self.t("2026-12-24T16:00:00.000Z")) == Self.t("2026-12-28T09:00:00.000Z"))
        let open = try Self.office(holidays: [])
        #expect(open.adding(7200, to: Self.t("2026-12-24T16:00:00.000Z")) == Self.t("2026-12-25T09:00:00.000Z"))
        #expect(cal.businessSeconds(from: Self.t("2026-12-24T00:00:00.000Z"), to: Self.t("2026-12-26T00:00:00.000Z")) == 9 * 3600)
    }

    @Test func acrossMidnight() throws {
        let cal = try Self.everyDay(["00:00-02:00", "22:00-24:00"])
        // Mon 2026-03-02 23:00 CET (22:00Z) + 2 h → Tue 01:00 CET (00:00Z).
        #expect(cal.adding(7200, to: Self.t("2026-03-02T22:00:00.000Z")) == Self.t("2026-03-03T00:00:00.000Z"))
        #expect(cal.businessSeconds(from: Self.t("2026-03-02T22:00:00.000Z"), to: Self.t("2026-03-03T00:00:00.000Z")) == 7200)
        // From 02:00 to 22:00 nothing runs.
        #expect(cal.adding(1, to: Self.t("2026-03-03T01:00:00.000Z")) == Self.t("2026-03-03T21:00:01.000Z"))
    }

    @Test func springForwardDayIs23Hours() throws {
        let cal = try Self.everyDay(["00:00-24:00"])
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST. Local midnight to midnight is 23 h.
        #expect(cal.businessSeconds(from: Self.t("2026-03-28T23:00:00.000Z"), to: Self.t("2026-03-29T22:00:00.000Z")) == 23 * 3600)
        let night = try Self.everyDay(["01:00-04:00"])
        // 01:00 CET (00:00Z) to 04:00 CEST (02:00Z): two real hours.
        #expect(night.businessSeconds(from: Self.t("2026-03-29T00:00:00.000Z"), to: Self.t("2026-03-29T03:00:00.000Z")) == 7200)
        #expect(night.adding(7200, to: Self.t("2026-03-29T00:00:00.000Z")) == Self.t("2026-03-29T02:00:00.000Z"))
        // Office hours keep 9 h on the Monday after.
        let office = try Self.office()
        #expect(office.businessSeconds(from: Self.t("2026-03-30T00:00:00.000Z"), to: Self.t("2026-03-31T00:00:00.000Z")) == 9 * 3600)
        #expect(office.adding(3600, to: Self.t("2026-03-30T06:00:00.000Z")) == Self.t("2026-03-30T08:00:00.000Z"))
    }

    @Test func fallBackDayIs25Hours() throws {
        let cal = try Self.everyDay(["00:00-24:00"])
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET.
        #expect(cal.businessSeconds(from: Self.t("2026-10-24T22:00:00.000Z"), to: Self.t("2026-10-25T23:00:00.000Z")) == 25 * 3600)
        let office = try Self.office()
        // Fri 23 Oct 17:00 CEST (15:00Z) + 2 h → Mon 26 Oct 10:00 CET (09:00Z).
        #expect(office.adding(7200, to: Self.t("2026-10-23T15:00:00.000Z")) == Self.t("2026-10-26T09:00:00.000Z"))
    }

    @Test func addingAndCountingAgree() throws {
        let cal = try Self.office()
        var start = Self.t("2026-03-20T05:17:00.000Z")
        for step: TimeInterval in [60, 3600, 9 * 3600, 30_000, 100_000, 200_000] {
            let end = cal.adding(step, to: start)
            #expect(abs(cal.businessSeconds(from: start, to: end) - step) < 0.001)
            start = end.addingTimeInterval(4321)
        }
    }

    @Test func neverOpenHasNoDeadline() {
        let cal = BusinessCalendar(name: "closed", timeZone: Self.rome, week: Array(repeating: [], count: 8))
        #expect(cal.adding(60, to: Self.t("2026-03-20T05:17:00.000Z")) == .distantFuture)
    }

    @Test func parsingRefusesBadTimes() {
        #expect(throws: BusinessCalendar.ConfigError.self) { try BusinessCalendar.parseIntervals(["9:00-18:00"]) }
        #expect(throws: BusinessCalendar.ConfigError.self) { try BusinessCalendar.parseIntervals(["18:00-09:00"]) }
        #expect(throws: BusinessCalendar.ConfigError.self) { try BusinessCalendar.parseIntervals(["09:00-24:30"]) }
        #expect(throws: BusinessCalendar.ConfigError.self) { try BusinessCalendar.parseIntervals(["09:00-12:00", "11:00-13:00"]) }
        #expect(throws: BusinessCalendar.ConfigError.self) { try BusinessCalendar.parseIntervals(["09:60-10:00"]) }
        #expect(throws: BusinessCalendar.ConfigError.self) { try BusinessCalendar.validHoliday("2026-02-30") }
        #expect(throws: BusinessCalendar.ConfigError.self) { try BusinessCalendar.validHoliday("25/12/2026") }
        #expect((try? BusinessCalendar.parseIntervals(["14:00-18:00", "09:00-13:00"]))?.map(\.start) == [540, 840])
        #expect((try? BusinessCalendar.validHoliday("2026-12-25")) == "2026-12-25")
    }
}
