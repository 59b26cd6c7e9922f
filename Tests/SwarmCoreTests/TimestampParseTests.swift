import Foundation
@testable import SwarmCore
import Testing

/// The hand-read canonical form must give exactly the Date Foundation's parser gives, and leave
/// everything else to it.
@Suite("Timestamp parsing")
struct TimestampParseTests {
    static let foundation = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    @Test("canonical times from 1970 to 2100 parse to Foundation's exact Date (before 2002 by Foundation itself)")
    func sameAsFoundation() throws {
        var state: UInt64 = 20261205
        for _ in 0..<100_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let millis = Int64(state >> 24) % 4_102_444_800_000  // up to 2100-01-01
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = Timestamp.format(date)
            #expect(Timestamp.parse(text) == (try Self.foundation.parse(text)), "\(text)")
            #expect((Timestamp.canonical(text) != nil) == (text >= "2002"), "\(text)")
        }
        for text in ["2024-02-29T23:59:59.999Z", "2002-01-01T00:00:00.000Z", "2026-12-31T12:00:00.001Z", "2099-12-31T23:59:59.999Z"] {
            #expect(Timestamp.canonical(text) == (try Self.foundation.parse(text)), "\(text)")
        }
    }

    @Test("the hand-written format is Foundation's, to the character, from 1970 to 9999 with any fraction of a millisecond")
    func formatSameAsFoundation() {
        var state: UInt64 = 20261206
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        var dates = [Date(), Date(timeIntervalSince1970: 1_009_843_200), Date(timeIntervalSince1970: 1_009_843_199.9996),
                     Date(timeIntervalSince1970: 253_402_300_799.999), Date(timeIntervalSince1970: 1_709_251_199.9999),
                     Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 253_402_300_800.5)]
        for _ in 0..<100_000 {
            let seconds = Double(next() % 253_402_300_800_000) / 1_000 + Double(next() % 1_000) / 1_000_000
            dates.append(Date(timeIntervalSince1970: seconds))
        }
        for _ in 0..<20_000 {
            // Now-ish times with arbitrary sub-millisecond parts, as Date() gives them.
            dates.append(Date(timeIntervalSince1970: 1_790_000_000 + Double(next() % 100_000_000_000) / 1_000_000))
        }
        for date in dates {
            #expect(Timestamp.format(date) == Self.foundation.format(date), "\(date.timeIntervalSince1970)")
        }
    }

    @Test("other forms and impossible dates go to Foundation")
    func fallback() {
        for text in ["2026-03-02T09:00:00Z", "2026-03-02T09:00:00.5Z", "2026-03-02T09:00:00.000+01:00", "2026-02-30T00:00:00.000Z",
                     "2025-02-29T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-03-02T24:00:00.000Z", "2026-03-02 09:00:00.000Z", "x"] {
            #expect(Timestamp.canonical(text) == nil, "\(text)")
            #expect(Timestamp.parse(text) == (try? Self.foundation.parse(text)), "\(text)")
        }
    }
}
