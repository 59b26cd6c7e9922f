import Foundation
import SwarmCore
import SwarmProtocol
import Testing

/// SLA clocks read from a case's history at fixed instants.
@Suite("SLA clocks")
struct SLAClockTests {
    static func t(_ s: String) -> Date { Timestamp.parse(s)! }
    static let t0 = t("2026-03-03T09:00:00.000Z")
    static func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    static let quick = SLAPolicy(name: "quick", firstResponse: 15 * 60, nextResponse: 30 * 60, resolution: 4 * 3600)

    static func read(_ events: [SLAClock.Event], now: Double, policy: SLAPolicy = quick) -> SLAClock.Status {
        SLAClock.read(policy: policy, events: events, now: at(now), warningShare: 0.8)
    }

    @Test func firstResponseRunsThenMeets() {
        let running = Self.read([.init(at: Self.at(0), .inbound)], now: 5)
        #expect(running.firstResponse?.state == .running)
        #expect(running.firstResponse?.dueAt == Self.at(15))
        #expect(running.firstResponse?.warningAt == Self.at(12))
        #expect(running.alerts.contains(.init(clock: .firstResponse, level: .warning, cycle: Self.at(0), at: Self.at(12))))
        #expect(running.alerts.contains(.init(clock: .firstResponse, level: .breach, cycle: Self.at(0), at: Self.at(15))))
        #expect(running.nextDeadline == Self.at(15))
        let met = Self.read([.init(at: Self.at(0), .inbound), .init(at: Self.at(10), .outbound)], now: 20)
        #expect(met.firstResponse?.state == .met)
        #expect(met.firstResponse?.wallSeconds == 600)
        #expect(met.firstResponse?.businessSeconds == 600)
        #expect(!met.alerts.contains { $0.clock == .firstResponse })
        // Exactly at the deadline is still in time.
        #expect(Self.read([.init(at: Self.at(0), .inbound), .init(at: Self.at(15), .outbound)], now: 20).firstResponse?.state == .met)
    }

    @Test func firstResponseBreaches() {
        #expect(Self.read([.init(at: Self.at(0), .inbound)], now: 15).firstResponse?.state == .breached)
        let late = Self.read([.init(at: Self.at(0), .inbound), .init(at: Self.at(16), .outbound)], now: 20)
        #expect(late.firstResponse?.state == .breached)
        #expect(late.firstResponse?.dueAt == Self.at(15))
    }

    @Test func pendingPausesTheClock() {
        let events: [SLAClock.Event] = [.init(at: Self.at(0), .inbound), .init(at: Self.at(5), .status(.pending))]
        let paused = Self.read(events, now: 60)
        #expect(paused.firstResponse?.state == .paused)
        #expect(paused.firstResponse?.businessSeconds == 300)
        #expect(paused.alerts.isEmpty)
        #expect(paused.nextDeadline == nil)
        // Back to open at 60: 10 minutes left.
        let resumed = Self.read(events + [.init(at: Self.at(60), .status(.open))], now: 61)
        #expect(resumed.firstResponse?.state == .running)
        #expect(resumed.firstResponse?.dueAt == Self.at(70))
        #expect(resumed.firstResponse?.warningAt == Self.at(67))
    }

    @Test func nextResponseCountsEachNewWait() {
        var events: [SLAClock.Event] = [.init(at: Self.at(0), .inbound), .init(at: Self.at(5), .outbound)]
        #expect(Self.read(events, now: 6).nextResponse == nil)
        events.append(.init(at: Self.at(20), .inbound))
        events.append(.init(at: Self.at(25), .inbound))   // still the same wait
        let waiting = Self.read(events, now: 30)
        #expect(waiting.nextResponse?.startedAt == Self.at(20))
        #expect(waiting.nextResponse?.dueAt == Self.at(50))
        #expect(waiting.nextResponse?.state == .running)
        events.append(.init(at: Self.at(55), .outbound))
        let late = Self.read(events, now: 60)
        #expect(late.nextResponse?.state == .breached)
        #expect(abs((late.nextResponse?.wallSeconds ?? 0) - 2100) < 0.01)
        events.append(.init(at: Self.at(70), .inbound))
        let again = Self.read(events, now: 71)
        #expect(again.nextResponse?.startedAt == Self.at(70))
        #expect(again.nextResponse?.state == .running)
        #expect(again.alerts.contains { $0.clock == .nextResponse && $0.cycle == Self.at(70) && $0.level == .breach && $0.at == Self.at(100) })
    }

    @Test func resolutionStopsOnSolveAndResumesOnReopen() {
        var events: [SLAClock.Event] = [.init(at: Self.at(0), .inbound), .init(at: Self.at(5), .outbound),
                                        .init(at: Self.at(60), .status(.solved))]
        let solved = Self.read(events, now: 300)
        #expect(solved.resolution?.state == .met)
        #expect(solved.resolution?.wallSeconds == 3600)
        #expect(solved.resolution?.stoppedAt == Self.at(60))
        #expect(solved.alerts.isEmpty)
        events.append(.init(at: Self.at(120), .status(.open)))
        let reopened = Self.read(events, now: 121)
        #expect(reopened.resolution?.state == .running)
        // 60 minutes ran before the solve: 180 left from the reopen.
        #expect(reopened.resolution?.dueAt == Self.at(300))
    }

    @Test func businessHoursDeadline() throws {
        var week = Array(repeating: [BusinessCalendar.Interval](), count: 8)
        for wd in 2...6 { week[wd] = try BusinessCalendar.parseIntervals(["09:00-18:00"]) }
        let office = BusinessCalendar(name: "office", timeZone: TimeZone(identifier: "Europe/Rome")!, week: week, holidays: [])
        let policy = SLAPolicy(name: "office", firstResponse: 3600, calendar: office)
        // Fri 2026-03-06 17:30 CET: half an hour today, half on Monday → Mon 09:30 CET.
        let fri = Self.t("2026-03-06T16:30:00.000Z")
        let s = SLAClock.read(policy: policy, events: [.init(at: fri, .inbound)], now: Self.t("2026-03-07T10:00:00.000Z"), warningShare: 0.5)
        #expect(s.firstResponse?.dueAt == Self.t("2026-03-09T08:30:00.000Z"))
        #expect(s.firstResponse?.warningAt == Self.t("2026-03-06T17:00:00.000Z"))
        #expect(s.firstResponse?.state == .running)
        #expect(s.firstResponse?.businessSeconds == 1800)
        #expect(s.firstResponse?.wallSeconds == 17.5 * 3600)
    }

    @Test func noContactNoClock() {
        #expect(Self.read([.init(at: Self.at(0), .status(.pending))], now: 1).readings.isEmpty)
    }

    @Test func policySelectionFirstMatchWins() {
        let urgentX = SLAPolicy(name: "x_urgent", order: 1, channel: "social-*", isPublic: true, priorities: [.urgent], firstResponse: 900)
        let vip = SLAPolicy(name: "vip", order: 2, tiers: ["Gold"], firstResponse: 1800)
        let all = [vip, urgentX]
        let facts = SLAPolicy.CaseFacts(channel: "social-x", isPublic: true, priority: .urgent, tier: "gold")
        #expect(SLAPolicy.select(all, for: facts, slaHours: 24).name == "x_urgent")
        var dm = facts
        dm.isPublic = false
        #expect(SLAPolicy.select(all, for: dm, slaHours: 24).name == "vip")
        dm.tier = nil
        let fallback = SLAPolicy.select(all, for: dm, slaHours: 24)
        #expect(fallback.name == "default" && fallback.firstResponse == 86_400 && fallback.calendar.isAlwaysOpen)
    }

    @Test func lifecycleMovesAndEffects() {
        #expect(CaseLifecycle.mayMove(from: .pending, to: .open))
        #expect(!CaseLifecycle.mayMove(from: .solved, to: .pending))
        #expect(CaseLifecycle.isReopen(from: .closed, to: .open))
        #expect(CaseLifecycle.clockEffect(.pending) == .pauses)
        #expect(CaseLifecycle.clockEffect(.solved) == .stops && CaseLifecycle.clockEffect(.new) == .runs)
        #expect(CaseLifecycle.isOpen(.pending) && !CaseLifecycle.isOpen(.solved))
    }
}
