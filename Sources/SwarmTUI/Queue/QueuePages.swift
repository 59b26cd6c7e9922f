import Foundation
import SwarmProtocol

/// The triage queue as text: one line per case (rank, score, case, waiting, SLA countdown) and one
/// with why it scores so. Shared by the interactive `/queue` pane and `swarm queue`.
public enum QueuePages {
    /// How pressing an item's SLA is, for its colour: overdue (red), due within the hour (yellow).
    public enum Pressure: Sendable, Equatable { case calm, soon, overdue }

    public static let heading = "── Queue"

    public static func pressure(_ item: QueueItem, now: Date) -> Pressure {
        guard item.caseInfo.status != .pending, let due = item.slaDue.flatMap(parseTime) else { return .calm }
        let left = due.timeIntervalSince(now)
        return left <= 0 ? .overdue : left <= 3600 ? .soon : .calm
    }

    /// ` 1.  81  CS12 Refund for order 5512 · mario · #support · waiting 10 min · SLA in 12 min · unowned`
    public static func line(_ rank: Int, _ item: QueueItem, now: Date, channelName: (String) -> String = { $0 }) -> String {
        let c = item.caseInfo
        var bits = ["\(c.id) \(oneLine(c.title, 60))", c.customerName, channelName(c.channel)]
        if let since = item.waitingSince.flatMap(parseTime), c.status != .pending {
            bits.append("waiting \(duration(now.timeIntervalSince(since)))")
        }
        if c.status == .pending {
            bits.append("pending")
        } else if let due = item.slaDue.flatMap(parseTime) {
            let left = due.timeIntervalSince(now)
            bits.append(left <= 0 ? "SLA OVERDUE \(duration(-left))" : "SLA in \(duration(left))")
        }
        bits.append(c.ownerName.map { "@" + $0 } ?? "unowned")
        let rankText = String(rank).count < 2 ? " \(rank)." : "\(rank)."
        let score = String(item.score)
        return "\(rankText) " + String(repeating: " ", count: max(0, 4 - score.count)) + score + "  " + bits.joined(separator: " · ")
    }

    /// The whole page: a heading, then each case and its reasons.
    public static func page(_ r: QueueListReply, now: Date, channelName: (String) -> String = { $0 }) -> [(text: String, pressure: Pressure)] {
        guard !r.items.isEmpty else { return [(heading + " ── no open cases you may see", .calm)] }
        var out: [(String, Pressure)] = [(heading + " (best first; Enter or a number opens, n takes the next) ──", .calm)]
        for (i, item) in r.items.enumerated() {
            out.append((line(i + 1, item, now: now, channelName: channelName), pressure(item, now: now)))
            out.append(("        " + item.why, .calm))
        }
        return out
    }

    public static func parseTime(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text)
    }

    static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86_400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86_400) d \(s % 86_400 / 3600) h"
    }

    static func oneLine(_ s: String, _ max: Int) -> String {
        let flat = s.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > max ? String(flat.prefix(max - 1)) + "…" : flat
    }
}
