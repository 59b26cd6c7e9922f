import Foundation
import SwarmProtocol

/// The filtered bin (PROTOCOL §23) as text, shared by `/filtered` and `swarm filtered`.
public enum FilteredPages {
    public static func page(_ reply: FilteredListReply) -> [String] {
        guard !reply.items.isEmpty else { return ["filtered bin: empty"] }
        var lines = reply.items.map(line)
        if let next = reply.nextBefore { lines.append("more: --before \(next)") }
        return lines
    }

    /// `FL3 [filtered] 12-05 13:02 twitter @promo: FREE followers… — link:bit.ly/free`
    public static func line(_ f: FilteredContact) -> String {
        let who = f.identity?.handle ?? f.author ?? "?"
        let outcome = f.caseId.map { " → \($0)" } ?? ""
        return "\(f.id) [\(f.state)] \(CasePages.short(f.at)) \(f.channel.rawValue) \(who): \(clip(f.text, 80)) — \(f.rule)\(outcome)"
    }

    public static func restored(_ r: FilteredRestoreReply) -> String {
        "restored \(r.item.id) " + (r.interaction.openedCase ? "into new case \(r.interaction.caseId)" : "onto \(r.interaction.caseId)")
    }

    public static func confirmed(_ f: FilteredContact) -> String { "confirmed \(f.id) as noise (\(f.rule))" }

    static func clip(_ text: String, _ n: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= n ? flat : String(flat.prefix(n - 1)) + "…"
    }
}
