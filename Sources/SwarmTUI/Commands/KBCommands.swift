import Foundation
import SwarmProtocol

/// /kb search|show|share|solved|capture. Share and solved act on the case whose thread is open
/// (or the case named first: `/kb share CS2 KB3`); capture on the open thread.
public enum KBCommands {
    public static let subcommands = ["search", "show", "share", "solved", "capture"]

    public static let commands: [SlashCommand] = [
        SlashCommand("kb", [.choice(subcommands), .optionalText], usage: "/kb sub …",
                     summary: "Knowledge base: search words (results as you type), show KB3 [version], share KB3 [comment], solved KB3, capture title") { c, args in
            try await run(c, args[0], args[1])
        },
    ]

    static func run(_ c: ChatController, _ sub: String, _ rest: String) async throws {
        var words = rest.split(separator: " ").map(String.init)
        let target = CaseTarget(taking: &words)
        func caseId() async throws -> String { try await target.resolve(c, else: "open the case thread first (or name the case, CS12)") }
        func article() throws -> String {
            guard let first = words.first, first.hasPrefix("KB") else { throw SwarmError.badRequest("name the article: KB12") }
            words.removeFirst()
            return first
        }
        switch sub {
        case "search":
            guard !words.isEmpty else { throw SwarmError.badRequest("usage: /kb search words") }
            let reply = try await c.request(.kbSearch, KBSearchRequest(query: words.joined(separator: " "), limit: 10), as: KBSearchReply.self)
            await c.clearLive()
            await c.notice(reply.results.isEmpty ? "no articles match" : reply.results.map(KBPages.hitLine).joined(separator: "\n"), highlighted: true)
        case "show":
            let id = try article()
            let version = words.first.flatMap { Int($0.hasPrefix("v") ? String($0.dropFirst()) : $0) }
            let reply = try await c.request(.kbGet, KBGetRequest(article: id, version: version), as: KBGetReply.self)
            await c.notice(KBPages.article(reply).joined(separator: "\n"))
        case "share":
            let id = try article()
            let comment = words.isEmpty ? nil : words.joined(separator: " ")
            _ = try await c.request(.kbShare, KBShareRequest(article: id, caseId: try await caseId(), comment: comment), as: Message.self)
        case "solved":
            let id = try article()
            let reply = try await c.request(.kbSolved, KBSolvedRequest(caseId: try await caseId(), article: id), as: KBSolvedReply.self)
            await c.notice(reply.recorded ? "\(id) solved \(reply.caseId) (solved \(reply.stats.solved) cases)" : "already recorded: \(id) solved \(reply.caseId)")
        case "capture":
            guard !words.isEmpty else { throw SwarmError.badRequest("usage: /kb capture title") }
            let thread: String
            if case .thread(let root) = await c.model.view { thread = root } else { throw SwarmError.badRequest("open the thread with the marked answer first") }
            let draft = try await c.request(.kbCapture, KBCaptureRequest(thread: thread, title: words.joined(separator: " ")), as: Article.self)
            await c.notice("captured draft \(draft.id): \(draft.title) (an editor approves it)")
        default:
            throw SwarmError.badRequest("unknown /kb \(sub)")
        }
    }
}

/// Articles as text, for the client and `swarm kb` without --json.
public enum KBPages {
    public static func hitLine(_ h: KBHit) -> String {
        "\(h.id) \(h.titleHighlight) [\(h.tags.joined(separator: ","))]\(h.solved > 0 ? " solved \(h.solved)" : "") — \(h.snippet)"
            .replacingOccurrences(of: "\n", with: " ")
    }

    public static func article(_ r: KBGetReply) -> [String] {
        let a = r.article
        var lines = ["── \(a.id) v\(a.version) [\(a.state.rawValue), \(a.audience.rawValue), \(a.language)]: \(a.title) ──"]
        if !a.tags.isEmpty { lines.append("tags: " + a.tags.joined(separator: ", ")) }
        lines += a.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let t = a.replyTemplate { lines.append("reply template: \(t)") }
        lines.append("by \(a.authorName) · shared \(a.stats.shares) · solved \(a.stats.solved)" + (a.stats.lastUsed.map { " · last used \($0.prefix(10))" } ?? "")
                     + (a.stats.cases.isEmpty ? "" : " · cases " + a.stats.cases.prefix(5).joined(separator: ", ")))
        if r.versions.count > 1 { lines.append("versions: " + r.versions.map { "v\($0.version) \($0.author) \($0.at.prefix(10))" }.joined(separator: " · ")) }
        return lines
    }
}
