import Foundation
import SwarmProtocol

/// Cases as readable text: the one-line summary, the case card, and the brief page. Shared by
/// the interactive client (`/case show`, `/case brief`) and `swarm case …` without --json.
public enum CasePages {
    public static func summary(_ c: Case) -> String {
        let owner = c.ownerName.map { "@\($0)" } ?? "unassigned"
        return "\(c.id) [\(c.status.rawValue), \(c.priority.rawValue)] \(c.title) · \(c.customerName) · \(owner) · #\(c.channelName) · SLA \(sla(c.sla))"
    }

    /// `due in 3h12m`, `met`, `breached`.
    public static func sla(_ s: SLAState, now: Date = Date()) -> String {
        switch s.state {
        case "met": return "met"
        case "breached": return "breached"
        default:
            guard let due = ISO8601DateFormatter.withFractions.date(from: s.dueAt) else { return s.state }
            let minutes = max(0, Int(due.timeIntervalSince(now) / 60))
            return "due in \(minutes / 60)h\(String(format: "%02d", minutes % 60))m"
        }
    }

    public static func show(_ c: Case) -> [String] {
        var lines = [summary(c)]
        if let summary = c.summary { lines.append("  summary: \(summary)") }
        if !c.tickets.isEmpty { lines.append("  tickets: " + c.tickets.map { "\($0.system) \($0.key)" }.joined(separator: ", ")) }
        if !c.tags.isEmpty { lines.append("  tags: " + c.tags.joined(separator: ", ")) }
        if let csat = c.csat { lines.append("  CSAT: \(csat.score)/5" + (csat.comment.map { " — \($0)" } ?? "")) }
        if let topics = c.topics, !topics.isEmpty { lines.append("  topics: " + topics.joined(separator: ", ")) }
        lines.append("  thread: \(c.thread) in #\(c.channelName) (/thread \(c.thread))")
        lines += SLAPages.lines(c.sla)
        return lines
    }

    /// The brief as a page: customer, tickets, facts, hand-off notes, open questions, timeline.
    public static func brief(_ b: CaseBrief) -> [String] {
        let c = b.caseInfo, cu = b.customer
        var lines = ["── Brief \(c.id): \(c.title) ──", summary(c)]
        var who = "Customer: \(cu.name) (\(cu.id))"
        if let crm = cu.crmId { who += " · CRM \(crm)" }
        if cu.vip { who += " · VIP" }
        if let tier = cu.tier { who += " · \(tier)" }
        if let language = cu.language { who += " · \(language)" }
        lines.append(who)
        if !cu.identities.isEmpty { lines.append("  reach: " + cu.identities.map { "\($0.channel.rawValue) \($0.handle)" }.joined(separator: " · ")) }
        if let notes = cu.notes { lines.append("  notes: \(notes)") }
        lines.append("Tickets: " + (c.tickets.isEmpty ? "none" : c.tickets.map { "\($0.system) \($0.key)" + ($0.url.map { " <\($0)>" } ?? "") }.joined(separator: ", ")))
        lines.append("Already given (do not ask again):" + (b.facts.isEmpty ? " nothing yet" : ""))
        for f in b.facts { lines.append("  \(f.key): \(f.value)   (from \(f.source))") }
        if b.factsWithheld > 0 { lines.append("  (\(b.factsWithheld) more in cases you cannot see)") }
        if !b.handoffs.isEmpty {
            lines.append("Hand-off notes:")
            for h in b.handoffs {
                let to = h.toName.map { "@\($0)" } ?? h.toChannel ?? "?"
                lines.append("  \(short(h.at)) \(h.fromName.map { "@\($0)" } ?? "unassigned") → \(to): \(h.note)")
            }
        }
        if !b.openQuestions.isEmpty {
            lines.append("Open questions:")
            for q in b.openQuestions { lines.append("  \(q.id) \(q.authorName): \(q.body)") }
        }
        if !b.swarm.isEmpty {
            lines.append("Swarm: " + b.swarm.map { "@\($0.name)" + ($0.contributions > 0 ? " (\($0.contributions))" : "") }.joined(separator: ", "))
        }
        if !b.kbShared.isEmpty { lines.append("KB shared: " + b.kbShared.map(\.text).joined(separator: "; ")) }
        if !b.otherCases.isEmpty { lines.append("Other cases: " + b.otherCases.map { "\($0.id) \($0.title) [\($0.status.rawValue)]" }.joined(separator: "; ")) }
        if b.otherCasesWithheld > 0 { lines.append("Other cases you cannot see: \(b.otherCasesWithheld)") }
        let older = b.timeline.total - b.timeline.entries.count
        lines.append("Timeline (\(b.timeline.total) entries" + (older > 0 ? ", \(older) older not shown" : "")
                     + (b.timeline.withheld > 0 ? ", \(b.timeline.withheld) in cases you cannot see" : "") + "):")
        for e in b.timeline.entries { lines.append("  " + timelineLine(e)) }
        return lines
    }

    public static func timelineLine(_ e: TimelineEntry) -> String {
        if e.kind == "interaction" {
            let arrow = e.direction == .outbound ? "→" : "←"
            let via = e.redirectTo.map { " ↪ redirected to \($0.rawValue)" } ?? ""
            let repeats = e.duplicateOf.map { " (repeats \($0))" } ?? ""
            return "\(short(e.at)) \(e.channel?.rawValue ?? "?") \(arrow) \(e.author ?? "?")\(via): \(e.text)\(repeats)"
        }
        return "\(short(e.at)) · \(e.text)"
    }

    /// `2026-11-25T12:25:38.813Z` → `11-25 12:25`.
    static func short(_ at: String) -> String {
        guard at.count >= 16 else { return at }
        let s = Array(at)
        return String(s[5..<10]) + " " + String(s[11..<16])
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withFractions: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
}
