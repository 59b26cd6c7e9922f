import Foundation
import SwarmProtocol
@testable import SwarmTUI
import Testing

@Suite("SLA countdown and clock lines")
struct SLAPagesTests {
    static let now = ISO8601DateFormatter.withFractions.date(from: "2026-03-03T09:00:00.000Z")!

    @Test func countdownPicksTheEarliestRunningClock() {
        var s = SLAState(dueAt: "2026-03-03T12:00:00.000Z", firstResponseAt: "2026-03-03T08:50:00.000Z", state: "met", policy: "x",
                         firstResponse: SLAClockInfo(dueAt: "2026-03-03T09:05:00.000Z", state: "met", seconds: 300, businessSeconds: 300),
                         nextResponse: SLAClockInfo(dueAt: "2026-03-03T09:10:00.000Z", state: "running", startedAt: "2026-03-03T08:55:00.000Z"),
                         resolution: SLAClockInfo(dueAt: "2026-03-04T09:00:00.000Z", state: "running"))
        #expect(SLAPages.countdown(s, now: Self.now) == ("next response due in 10m", .near))
        s.nextResponse = nil
        #expect(SLAPages.countdown(s, now: Self.now) == ("resolution due in 24h00m", .calm))
        #expect(SLAPages.countdown(s, now: Self.now.addingTimeInterval(86_400 + 120)) == ("resolution overdue 2m", .overdue))
        s.resolution?.state = "paused"
        #expect(SLAPages.countdown(s, now: Self.now) == ("paused", .calm))
    }

    @Test func olderServersKeepTheFirstResponseView() {
        #expect(SLAPages.countdown(SLAState(dueAt: "2026-03-03T12:00:00.000Z", firstResponseAt: nil, state: "running"), now: Self.now) == ("due in 3h00m", .calm))
        #expect(SLAPages.countdown(SLAState(dueAt: "x", firstResponseAt: nil, state: "breached"), now: Self.now) == ("breached", .overdue))
        #expect(SLAPages.lines(SLAState(dueAt: "x", firstResponseAt: nil, state: "running")).isEmpty)
    }

    @Test func clockLines() {
        let s = SLAState(dueAt: "2026-03-03T09:15:00.000Z", firstResponseAt: nil, state: "breached", policy: "x_urgent",
                         firstResponse: SLAClockInfo(dueAt: "2026-03-03T09:15:00.000Z", state: "breached", seconds: 1200, businessSeconds: 600))
        let lines = SLAPages.lines(s)
        #expect(lines.first == "  SLA policy: x_urgent")
        #expect(lines.count == 2 && lines[1].contains("first response: breached") && lines[1].contains("took 20m (10m business)"))
    }
}
