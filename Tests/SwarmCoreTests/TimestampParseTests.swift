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

    @Test("format: the date to the nearest millisecond (at most .999), whatever the toolchain's format style does")
    func formatRoundsToMillisecond() throws {
        var state: UInt64 = 20261206
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        // Whole seconds format the same under any rounding rule: Foundation gives the date part.
        func expected(_ wholeSince2001: Int64, _ millis: Int64) -> String {
            let text = Self.foundation.format(Date(timeIntervalSinceReferenceDate: Double(wholeSince2001)))
            return text.dropLast(4) + String(format: "%03lldZ", millis)
        }
        // 2002-01-01 up to 9999-12-31, a millisecond moved by up to ±0.45 ms.
        for _ in 0..<60_000 {
            let ms = 31_536_000_000 + Int64(next() % 252_392_457_600_000)
            let jitter = Double(Int64(next() % 901) - 450) / 1_000_000
            let date = Date(timeIntervalSinceReferenceDate: Double(ms) / 1_000 + jitter)
            // Just below a whole second: .999 of the one before, never carried into the next.
            let capped = ms % 1_000 == 0 && date.timeIntervalSinceReferenceDate < Double(ms / 1_000)
            let want = capped ? expected(ms / 1_000 - 1, 999) : expected(ms / 1_000, ms % 1_000)
            #expect(Timestamp.format(date) == want, "\(ms) \(jitter)")
        }
        let edges: [(Double, String)] = [
            (1_009_843_200, "2002-01-01T00:00:00.000Z"), (1_009_843_200.9996, "2002-01-01T00:00:00.999Z"),
            (1_709_251_199.9999, "2024-02-29T23:59:59.999Z"), (1_709_251_200.0004, "2024-03-01T00:00:00.000Z"),
            (1_798_761_599.0016, "2026-12-31T23:59:59.002Z"), (253_402_300_799.9999, "9999-12-31T23:59:59.999Z"),
        ]
        for (seconds, text) in edges {
            #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == text)
        }
        // Outside 2002–9999 Foundation formats (any rule: these are whole seconds).
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test("format(parse(text)) is text for every canonical time (parsing lands a hair below a millisecond)")
    func roundTrip() throws {
        var state: UInt64 = 20261207
        for _ in 0..<60_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let ms = 31_536_000_000 + Int64((state >> 11) % 252_392_457_600_000)
            let text = Timestamp.format(Date(timeIntervalSinceReferenceDate: Double(ms) / 1_000))
            let parsed = try #require(Timestamp.parse(text))
            #expect(Timestamp.format(parsed) == text, "\(text)")
        }
        #expect(Timestamp.format(try #require(Timestamp.parse("2026-03-14T09:26:53.002Z"))) == "2026-03-14T09:26:53.002Z")
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
