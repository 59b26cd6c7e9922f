import Foundation
import SwarmProtocol

/// The inbox as text: the one-line summary shown on start, and the `/inbox` page. Shared by the
/// interactive client and `swarm inbox`.
public enum InboxPages {
    /// `inbox: 1 hand-off, 2 invitations, 3 mentions, 1 new case — /inbox`; nil when empty.
    public static func summary(_ r: InboxListReply) -> String? {
        let parts = [count(r.handoffs.count, "hand-off"), count(r.invitations.count, "invitation"), count(r.mentions.count, "mention"),
                     count(r.newCases.count, "new case")].compactMap { $0 }
        return parts.isEmpty ? nil : "inbox: " + parts.joined(separator: ", ") + " — /inbox"
    }

    /// One section per kind that has items, each line with the command that deals with it.
    /// `channelName` turns a channel id into `#name` where the caller knows it.
    public static func page(_ r: InboxListReply, channelName: (String) -> String = { $0 }) -> [String] {
        guard !r.isEmpty else { return ["inbox: nothing needs you"] }
        var lines = ["── Inbox ──"]
        if !r.handoffs.isEmpty {
            lines.append("Handed to you:")
            lines += r.handoffs.map { h in
                "  \(CasePages.summary(h.caseInfo))\n    \(h.handoff.fromName.map { "from @\($0)" } ?? "from the queue"): \(oneLine(h.handoff.note, 160)) (/case brief \(h.caseInfo.id))"
            }
        }
        if !r.invitations.isEmpty {
            lines.append("Invitations to swarm:")
            lines += r.invitations.map { "  \(CasePages.summary($0.caseInfo))\n    @\($0.invitedByName) asks for help (/case join \($0.caseInfo.id))" }
        }
        if !r.mentions.isEmpty {
            lines.append("Mentions:")
            lines += r.mentions.map { m in
                let place = m.thread.map { " (/thread \($0))" } ?? ""
                return "  \(m.id) \(channelName(m.channel)) @\(m.authorName): \(oneLine(m.body, 100))\(place)"
            }
        }
        if !r.newCases.isEmpty {
            lines.append("Cases nobody owns:")
            lines += r.newCases.map { "  \(CasePages.summary($0)) (/case take \($0.id))" }
        }
        return lines.flatMap { $0.split(separator: "\n").map(String.init) }
    }

    static func count(_ n: Int, _ noun: String) -> String? {
        n == 0 ? nil : "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    static func oneLine(_ text: String, _ max: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= max ? flat : String(flat.prefix(max - 1)) + "…"
    }
}
