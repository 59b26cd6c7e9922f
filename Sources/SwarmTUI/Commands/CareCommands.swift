import Foundation
import SwarmProtocol

/// `/case reply`, `/case redirect` and `/case csat` (PROTOCOL §25). A reply or redirect is first
/// checked with `reply.check`; when the team's tone rules find something, the findings are shown
/// and the client asks "send anyway? y/N" before recording it (`PendingReply`).
public enum CareCommands {
    public static let details = [
        "/case reply [CS12] text         reply to the customer on the case's channel (checked against the tone rules first)",
        "/case redirect [CS12] whatsapp|email|phone|… text",
        "                                send the customer to another channel (\"please write to us by DM\")",
        "/case csat [CS12] 1-5 [comment] record the customer's satisfaction with a solved case (leads)",
    ]

    /// `/case reply`: an outbound interaction on the case's source channel.
    static func reply(_ c: ChatController, caseId: String, text: String, line: String) async throws {
        guard !text.isEmpty else { throw SwarmError.badRequest("usage: /case reply [CS12] text") }
        let shown = try await c.request(.caseGet, CaseRef(caseId: caseId), as: Case.self)
        guard let channel = shown.sourceChannel else {
            throw SwarmError.badRequest("\(caseId) has no source channel; log it with /case interaction \(caseId) email|phone|… out text")
        }
        try await checkThenSend(c, PendingReply(caseId: caseId, channel: channel, text: text, redirectTo: nil, line: line,
                                                isPublic: shown.isPublic, account: shown.account))
    }

    /// `/case redirect CHANNEL text`: a redirect sent on the case's source channel (else the target's).
    static func redirect(_ c: ChatController, caseId: String, words: [String], line: String) async throws {
        let usage = "usage: /case redirect [CS12] \(ContactChannel.allCases.map(\.rawValue).joined(separator: "|")) text"
        guard let first = words.first, let target = ContactChannel(rawValue: first.lowercased()) else { throw SwarmError.badRequest(usage) }
        let text = words.dropFirst().joined(separator: " ")
        guard !text.isEmpty else { throw SwarmError.badRequest(usage) }
        let shown = try await c.request(.caseGet, CaseRef(caseId: caseId), as: Case.self)
        try await checkThenSend(c, PendingReply(caseId: caseId, channel: shown.sourceChannel ?? target, text: text, redirectTo: target, line: line,
                                                isPublic: shown.isPublic, account: shown.account))
    }

    static func checkThenSend(_ c: ChatController, _ pending: PendingReply) async throws {
        let check = try await c.request(.replyCheck, ReplyCheckRequest(caseId: pending.caseId, text: pending.text), as: ReplyCheckReply.self)
        guard !check.findings.isEmpty else {
            try await send(c, pending)
            return
        }
        await c.notice(findingLines(check, text: pending.text).joined(separator: "\n"), .error)
        await c.holdReply(pending)
    }

    /// Records the reply (after a clean check, or a yes). It goes out the way the customer wrote in:
    /// in public when the case's contacts were public (a reply under the customer's post), from
    /// the brand account they reached, so the reports count it on the right account and channel.
    static func send(_ c: ChatController, _ p: PendingReply) async throws {
        var request = InteractionRequest(caseId: p.caseId, channel: p.channel, direction: .outbound, text: p.text,
                                         kind: p.redirectTo == nil ? nil : "redirect", redirectTo: p.redirectTo?.rawValue)
        request.isPublic = p.isPublic
        request.account = p.account
        let reply = try await c.request(.caseInteraction, request, as: InteractionReply.self)
        let how = [p.channel.rawValue] + (p.isPublic == true ? ["public"] : []) + (p.account.map { ["from \($0)"] } ?? [])
        let what = p.redirectTo.map { "redirected \(reply.caseId) to \($0.rawValue)" } ?? "sent the reply on \(reply.caseId) (\(how.joined(separator: ", ")))"
        await c.notice(what + warningText(reply.warnings))
    }

    /// What the tone check found, one line each, quoting the place in the text.
    public static func findingLines(_ check: ReplyCheckReply, text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return ["Tone check (\(check.language)): \(check.findings.count) finding\(check.findings.count == 1 ? "" : "s")"] + check.findings.map { f in
            var line = "  ⚠ \(f.rule): \(f.message)"
            if let span = f.span, span.start >= 0, span.start <= span.end, span.end <= scalars.count {
                line += " «\(String(String.UnicodeScalarView(scalars[span.start..<span.end])))»"
            }
            return line
        }
    }

    static func warningText(_ warnings: [ContactWarning]?) -> String {
        guard let warnings, !warnings.isEmpty else { return "" }
        return warnings.map { " — ⚠ \($0.code): \($0.kinds.joined(separator: ", ")); \($0.suggestion)" }.joined()
    }

    /// `/case csat [CS12] SCORE [comment]`.
    static func csat(_ c: ChatController, caseId: String, words: [String]) async throws {
        guard let first = words.first, let score = Int(first) else { throw SwarmError.badRequest("usage: /case csat [CS12] 1-5 [comment]") }
        let comment = words.dropFirst().joined(separator: " ")
        let rated = try await c.request(.caseCsat, CaseCSATRequest(caseId: caseId, score: score, comment: comment.isEmpty ? nil : comment), as: Case.self)
        await c.remember(rated)
        await c.notice("CSAT \(rated.csat?.score ?? score)/5 recorded on \(rated.id)")
    }
}

/// A reply held back by the tone check until the agent answers "send anyway?".
public struct PendingReply: Sendable, Equatable {
    public var caseId: String
    public var channel: ContactChannel
    public var text: String
    public var redirectTo: ContactChannel?
    /// The typed line, given back to the input line on "no" so it can be edited.
    public var line: String
    /// Public or private, and the brand account, as the case's contacts came in.
    public var isPublic: Bool?
    public var account: String?

    public static let question = "The reply does not follow the tone rules; send anyway? y/N"
}

extension ChatController {
    func holdReply(_ pending: PendingReply) {
        model.pendingReply = pending
        changed()
    }

    /// The held reply's question, if a command just held one (asked once).
    public func takeHeldReplyQuestion() -> String? {
        guard model.pendingReply != nil, !model.pendingReplyAsked else { return nil }
        model.pendingReplyAsked = true
        return PendingReply.question
    }

    /// Sends the held reply on yes, drops it on no; returns the typed line on no (to edit it).
    @discardableResult
    public func answerHeldReply(_ yes: Bool) async -> String? {
        guard let pending = model.pendingReply else { return nil }
        model.pendingReply = nil
        model.pendingReplyAsked = false
        guard yes else {
            notice("not sent")
            return pending.line
        }
        do {
            try await CareCommands.send(self, pending)
        } catch let error as SwarmError {
            notice("/case reply: \(error.message)", .error)
        } catch {
            notice("/case reply: \(error)", .error)
        }
        return nil
    }
}
