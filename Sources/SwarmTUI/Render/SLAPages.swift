import Foundation
import SwarmProtocol

/// SLA clocks as text: the countdown on the status line and the clock lines of `case show`.
public enum SLAPages {
    public enum Urgency: Sendable, Equatable {
        case calm, near, overdue
    }

    /// Less than this left on a running clock shows as near (yellow).
    public static let nearSeconds: TimeInterval = 15 * 60

    static func date(_ s: String?) -> Date? { s.flatMap { ISO8601DateFormatter.withFractions.date(from: $0) } }

    /// The clock that matters now: the earliest running deadline; else the first response's
    /// state (older servers send only `due_at`/`state`).
    public static func countdown(_ s: SLAState, now: Date = Date()) -> (text: String, urgency: Urgency) {
        let clocks: [(String, SLAClockInfo)] = [("first response", s.firstResponse), ("next response", s.nextResponse), ("resolution", s.resolution)]
            .compactMap { name, c in c.map { (name, $0) } }
        if let next = clocks.filter({ $0.1.state == "running" }).min(by: { ($0.1.dueAt ?? "~") < ($1.1.dueAt ?? "~") }), let due = date(next.1.dueAt) {
            // The first response reads as before ("due in 3h12m"); the others say which clock.
            let name = next.0 == "first response" ? "" : next.0 + " "
            let left = due.timeIntervalSince(now)
            if left <= 0 { return ("\(name)overdue \(duration(-left))", .overdue) }
            return ("\(name)due in \(duration(left))", left < nearSeconds ? .near : .calm)
        }
        if clocks.contains(where: { $0.1.state == "paused" }) { return ("paused", .calm) }
        if s.state == "running", let due = date(s.dueAt) {
            let left = due.timeIntervalSince(now)
            return left <= 0 ? ("overdue \(duration(-left))", .overdue) : ("due in \(duration(left))", left < nearSeconds ? .near : .calm)
        }
        return (s.state, s.state == "breached" ? .overdue : .calm)
    }

    /// `3h12m`, `45m`, `2d4h`.
    public static func duration(_ seconds: TimeInterval) -> String {
        let m = Int(seconds / 60)
        if m >= 48 * 60 { return "\(m / 1440)d\(m % 1440 / 60)h" }
        if m >= 60 { return "\(m / 60)h\(String(format: "%02d", m % 60))m" }
        return "\(m)m"
    }

    /// One line per clock for `case show`.
    public static func lines(_ s: SLAState) -> [String] {
        var lines: [String] = []
        if let p = s.policy { lines.append("  SLA policy: \(p)") }
        for (name, clock) in [("first response", s.firstResponse), ("next response", s.nextResponse), ("resolution", s.resolution)] {
            guard let c = clock else { continue }
            var line = "    \(name): \(c.state)"
            if let due = c.dueAt { line += ", due \(CasePages.short(due))" }
            if let started = c.startedAt { line += ", waiting since \(CasePages.short(started))" }
            if let secs = c.seconds { line += ", took \(duration(TimeInterval(secs)))" }
            if let b = c.businessSeconds { line += " (\(duration(TimeInterval(b))) business)" }
            lines.append(line)
        }
        return lines
    }
}
