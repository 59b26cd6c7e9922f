import Foundation
import SwarmProtocol

/// The service-level clocks of one case, derived from its stored history each time (never kept in
/// memory): the first inbound contact starts them, `pending` pauses them, solving or closing stops
/// them (a reopen resumes them), an outbound interaction is a response.
///
/// - first response: from the first inbound contact to the first response after it;
/// - next response: each inbound contact that arrives after a response starts a new wait (a
///   "cycle") that the next response ends; the latest cycle is reported;
/// - resolution: from the first inbound contact to solved.
///
/// Durations count only running time (pauses and solved spans excluded), as wall-clock seconds
/// and as business seconds on the policy's calendar.
public enum SLAClock {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case firstResponse = "first_response"
        case nextResponse = "next_response"
        case resolution
    }

    public enum State: String, Sendable, Codable {
        case running, paused, met, breached
    }

    /// One fact from the case's history.
    public struct Event: Sendable, Equatable {
        public enum What: Sendable, Equatable {
            case inbound
            case outbound
            case status(CaseStatus)
        }

        public var at: Date
        public var what: What

        public init(at: Date, _ what: What) {
            self.at = at
            self.what = what
        }
    }

    /// One clock as of `now`.
    public struct Reading: Sendable, Equatable {
        public var kind: Kind
        public var target: TimeInterval
        /// When this clock (cycle) started: the inbound contact it answers.
        public var startedAt: Date
        /// When it stopped (response or solve); nil while running or paused.
        public var stoppedAt: Date?
        /// The deadline while running; while paused, the deadline if it resumed at `now`.
        public var dueAt: Date
        /// When the warning share of the target is reached (nil when it cannot be reached from now on).
        public var warningAt: Date?
        public var state: State
        /// Running time so far (or until stopped).
        public var wallSeconds: TimeInterval
        public var businessSeconds: TimeInterval
    }

    /// A warning or breach that is due at `at` unless the clock stops or pauses first. `cycle`
    /// identifies the wait it belongs to, so each fires once per wait.
    public struct Alert: Sendable, Equatable {
        public enum Level: String, Sendable { case warning, breach }
        public var clock: Kind
        public var level: Level
        public var cycle: Date
        public var at: Date

        public init(clock: Kind, level: Level, cycle: Date, at: Date) {
            self.clock = clock
            self.level = level
            self.cycle = cycle
            self.at = at
        }
    }

    public struct Status: Sendable, Equatable {
        public var firstResponse: Reading?
        public var nextResponse: Reading?
        public var resolution: Reading?
        /// Alerts of the clocks running now, warning and breach, past or future.
        public var alerts: [Alert]

        public var readings: [Reading] { [firstResponse, nextResponse, resolution].compactMap { $0 } }

        /// The earliest deadline of a running clock.
        public var nextDeadline: Date? {
            readings.filter { $0.state == .running }.map(\.dueAt).min()
        }
    }

    /// Reads every clock of `policy` for a case whose history is `events` (any order), as of `now`.
    /// `initialStatus` is the status before the first status event (a case opened by a person is
    /// `open`, by a bot `new`: both run). `warningShare` in (0, 1): the warning comes when that
    /// share of the target has run.
    public static func read(policy: SLAPolicy, events unsorted: [Event], now: Date, warningShare: Double,
                            initialStatus: CaseStatus = .open) -> Status {
        let events = unsorted.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        guard let start = events.first(where: { $0.what == .inbound })?.at else {
            return Status(firstResponse: nil, nextResponse: nil, resolution: nil, alerts: [])
        }
        let running = runningSegments(events, from: start, now: now, initialStatus: initialStatus)
        let cal = policy.calendar
        var status = Status(firstResponse: nil, nextResponse: nil, resolution: nil, alerts: [])
        let finished = currentEffect(events, initialStatus: initialStatus) == .stops

        let firstOut = events.first { $0.what == .outbound && $0.at >= start }?.at
        if let target = policy.firstResponse {
            let (r, alerts) = reading(.firstResponse, target: target, cycle: start, end: firstOut, finished: finished,
                                      running: running, cal: cal, now: now, share: warningShare)
            status.firstResponse = r
            status.alerts += alerts
        }
        if let target = policy.nextResponse, let firstOut {
            // Waits after the first response: an inbound with no outstanding wait starts one.
            var cycle: (Date, Date?)?
            var waiting: Date?
            for e in events where e.at > firstOut || (e.at == firstOut && e.what == .inbound) {
                switch e.what {
                case .inbound where waiting == nil: waiting = e.at; cycle = (e.at, nil)
                case .outbound where waiting != nil: cycle = (waiting!, e.at); waiting = nil
                default: break
                }
            }
            if let wait = cycle {
                let (begin, end) = wait
                let (r, alerts) = reading(.nextResponse, target: target, cycle: begin, end: end, finished: finished,
                                          running: running, cal: cal, now: now, share: warningShare)
                status.nextResponse = r
                status.alerts += alerts
            }
        }
        if let target = policy.resolution {
            let solvedAt = finished ? events.last(where: { if case .status(let s) = $0.what { return CaseLifecycle.clockEffect(s) == .stops } else { return false } })?.at : nil
            let (r, alerts) = reading(.resolution, target: target, cycle: start, end: solvedAt, finished: finished,
                                      running: running, cal: cal, now: now, share: warningShare)
            status.resolution = r
            status.alerts += alerts
        }
        return status
    }

    /// The effect of the latest status.
    static func currentEffect(_ events: [Event], initialStatus: CaseStatus) -> CaseLifecycle.ClockEffect {
        var effect = CaseLifecycle.clockEffect(initialStatus)
        for e in events { if case .status(let s) = e.what { effect = CaseLifecycle.clockEffect(s) } }
        return effect
    }

    /// The spans from `start` in which clocks run; the last is open-ended (nil) when they run now.
    static func runningSegments(_ events: [Event], from start: Date, now: Date, initialStatus: CaseStatus) -> [(Date, Date?)] {
        var effect = CaseLifecycle.clockEffect(initialStatus)
        var segments: [(Date, Date?)] = []
        var openSince: Date? = nil
        // Status changes before the first contact set the state the clocks start in.
        for e in events where e.at <= start { if case .status(let s) = e.what { effect = CaseLifecycle.clockEffect(s) } }
        if effect == .runs { openSince = start }
        for e in events where e.at > start {
            guard case .status(let s) = e.what else { continue }
            let next = CaseLifecycle.clockEffect(s)
            if next == .runs, openSince == nil { openSince = e.at }
            if next != .runs, let since = openSince { segments.append((since, e.at)); openSince = nil }
        }
        if let since = openSince { segments.append((since, nil)) }
        return segments
    }

    /// One clock over the running spans clipped to `[cycle, end)`.
    static func reading(_ kind: Kind, target: TimeInterval, cycle: Date, end: Date?, finished: Bool, running: [(Date, Date?)],
                        cal: BusinessCalendar, now: Date, share: Double) -> (Reading, [Alert]) {
        var spans: [(Date, Date?)] = []
        for (a, b) in running {
            let s = max(a, cycle)
            var e = b
            if let end { e = min(b ?? end, end) }
            if let e, e <= s { continue }
            spans.append((s, e))
        }
        let isRunning = end == nil && spans.last.map { $0.1 == nil } == true
        // Time so far: open spans count up to now.
        var wall: TimeInterval = 0, business: TimeInterval = 0
        for (a, b) in spans {
            let e = b ?? max(a, now)
            wall += e.timeIntervalSince(a)
            business += cal.businessSeconds(from: a, to: e)
        }
        // The deadline: while running, where the open span reaches the target; once stopped,
        // where it would have been had it not stopped; while paused, as if it resumed now.
        let projected: [(Date, Date?)]
        if isRunning {
            projected = spans
        } else if end != nil || finished {
            projected = spans.isEmpty ? [(cycle, nil)] : Array(spans.dropLast()) + [(spans[spans.count - 1].0, nil)]
        } else {
            projected = spans + [(max(now, spans.last?.1 ?? cycle), nil)]
        }
        let due = instant(reaching: target, projected, cal) ?? .distantFuture
        let warnAt = instant(reaching: target * share, projected, cal)
        let state: State
        if let stop = end {
            state = instant(reaching: target, spans, cal).map { $0 < stop } == true ? .breached : .met
        } else if finished {
            state = business > target ? .breached : .met
        } else if isRunning {
            state = now >= due ? .breached : .running
        } else {
            state = business >= target ? .breached : .paused
        }
        var alerts: [Alert] = []
        if isRunning {
            if let warnAt, warnAt < due { alerts.append(Alert(clock: kind, level: .warning, cycle: cycle, at: warnAt)) }
            if due != .distantFuture { alerts.append(Alert(clock: kind, level: .breach, cycle: cycle, at: due)) }
        }
        let reading = Reading(kind: kind, target: target, startedAt: cycle, stoppedAt: end ?? (finished ? spans.last?.1 : nil),
                              dueAt: due, warningAt: isRunning ? warnAt : nil, state: state, wallSeconds: wall, businessSeconds: business)
        return (reading, alerts)
    }

    /// The instant at which `seconds` of business time have run over `spans` (nil when the closed
    /// spans end before that and none is open).
    static func instant(reaching seconds: TimeInterval, _ spans: [(Date, Date?)], _ cal: BusinessCalendar) -> Date? {
        var done: TimeInterval = 0
        for (a, b) in spans {
            guard let b else { return cal.adding(seconds - done, to: a) }
            let here = cal.businessSeconds(from: a, to: b)
            if done + here >= seconds, here > 0 { return cal.adding(seconds - done, to: a) }
            done += here
        }
        return nil
    }
}
