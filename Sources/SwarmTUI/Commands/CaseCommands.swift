import Foundation
import SwarmProtocol

/// /case open|show|list|take|rename|status|priority|link|note|fact|interaction|swarm|helpers|join|handoff|brief|
/// reply|redirect|csat|topics.
/// Commands that act on a case take its id (`CS12`) as their first argument, or use the case whose
/// thread is open.
public enum CaseCommands {
    public static let subcommands = ["open", "show", "list", "take", "rename", "status", "priority", "link", "note", "fact", "interaction", "swarm", "helpers", "join", "handoff", "brief",
                                             "reply", "redirect", "csat", "topics"]

    public static let commands: [SlashCommand] = [
        SlashCommand("case", [.choice(subcommands), .optionalText], usage: "/case sub [CS12] …",
                     summary: "Cases: open email:ana@x.com title, show, list, status S, priority P, link sys key, note, fact k v, "
                         + "interaction phone|email [in|out] text, swarm @u|skill:s why, helpers [skill], join, handoff @u|skill:s|#ch note, brief, take, rename title (/help case)",
                     details: CaseListFilter.help + ["/case take [CS12]           make an unassigned case yours (new becomes open)",
                                                     "/case rename [CS12] title   give the case a new title",
                                                     "/case topics [CS12] [+t] [-t]  show the case's topics, add (+billing) or remove (-refund) them",
                                                     "/case interaction [CS12] phone|email|… [in|out] text",
                                                     "                            log a contact made outside Swarm (a reply by phone or mail: out, the default)"]
                         + CareCommands.details) { c, args in
            try await run(c, args[0], args[1])
        },
    ]

    static func run(_ c: ChatController, _ sub: String, _ rest: String) async throws {
        var words = rest.split(separator: " ").map(String.init)
        let target = CaseTarget(taking: &words)
        let text = words.joined(separator: " ")
        func caseId() async throws -> String { try await target.resolve(c, else: "name the case (CS12) or open its thread first") }
        switch sub {
        case "open":
            guard words.count >= 2 else { throw SwarmError.badRequest("usage: /case open email:ana@example.com|CU12 title") }
            guard let channel = await c.model.current else { throw SwarmError.badRequest("join a team channel first") }
            let who = words.removeFirst()
            var request = CaseOpenRequest(title: words.joined(separator: " "), channel: channel)
            if who.hasPrefix("CU") { request.customer = who } else {
                guard let identity = CustomerLookup.identity(who) else {
                    throw SwarmError.badRequest("customer as channel:handle (email:ana@x.com, whatsapp:+39…) or CU12")
                }
                request.identity = identity
                request.sourceChannel = identity.channel
            }
            let opened = try await c.request(.caseOpen, request, as: Case.self)
            await c.remember(opened)
            await c.notice("opened " + CasePages.summary(opened))
            try await c.openThread(opened.thread)
        case "show":
            let shown = try await c.request(.caseGet, CaseRef(caseId: try await caseId()), as: Case.self)
            await c.remember(shown)
            await c.notice(CasePages.show(shown).joined(separator: "\n"))
        case "list":
            try await CaseWorkCommands.list(c, words)
        case "take":
            try await CaseWorkCommands.take(c, try await caseId(), words)
        case "rename":
            try await CaseWorkCommands.rename(c, try await caseId(), words)
        case "status", "priority":
            var update = CaseUpdateRequest(caseId: try await caseId())
            if sub == "status" {
                guard let s = CaseStatus(rawValue: text) else { throw SwarmError.badRequest("status is new, open, pending, solved or closed") }
                update.status = s
            } else {
                guard let p = CasePriority(rawValue: text) else { throw SwarmError.badRequest("priority is low, normal, high or urgent") }
                update.priority = p
            }
            let updated = try await c.request(.caseUpdate, update, as: Case.self)
            await c.remember(updated)
            await c.notice(CasePages.summary(updated))
        case "link":
            guard words.count == 2 || words.count == 3 else { throw SwarmError.badRequest("usage: /case link zendesk ZD-881 [url]") }
            let linked = try await c.request(.caseLinkTicket, CaseTicketRequest(caseId: try await caseId(), system: words[0], key: words[1], url: words.count == 3 ? words[2] : nil), as: Case.self)
            await c.notice("linked: " + linked.tickets.map { "\($0.system) \($0.key)" }.joined(separator: ", "))
        case "note":
            guard !text.isEmpty else { throw SwarmError.badRequest("usage: /case note text") }
            _ = try await c.request(.caseNote, CaseNoteRequest(caseId: try await caseId(), text: text), as: Message.self)
        case "fact":
            guard words.count >= 2 else { throw SwarmError.badRequest("usage: /case fact order_number 5512") }
            let fact = try await c.request(.caseFact, CaseFactRequest(caseId: try await caseId(), key: words[0], value: words.dropFirst().joined(separator: " ")), as: CaseFact.self)
            await c.notice("noted \(fact.key) = \(fact.value)")
        case "interaction":
            let contact = try LoggedContact.parse(words)
            let request = InteractionRequest(caseId: try await caseId(), channel: contact.channel, direction: contact.direction, text: contact.text)
            let reply = try await c.request(.caseInteraction, request, as: InteractionOutcome.self)
            await c.notice(LoggedContact.recorded(reply))
        case "swarm":
            let targets = words.prefix { $0.hasPrefix("@") || $0.hasPrefix("skill:") }
            let message = words.dropFirst(targets.count).joined(separator: " ")
            guard !targets.isEmpty, !message.isEmpty else { throw SwarmError.badRequest("usage: /case swarm @ana @bo|skill:returns message") }
            let skill = targets.first { $0.hasPrefix("skill:") }.map { String($0.dropFirst(6)) }
            let users = skill == nil ? targets.map { String($0) } : nil
            let reply = try await c.request(.caseSwarm, CaseSwarmRequest(caseId: try await caseId(), users: users, skill: skill, message: message), as: CaseSwarmReply.self)
            await c.notice("invited " + reply.invited.map { "@\($0.name)" }.joined(separator: ", "))
        case "helpers":
            let reply = try await c.request(.caseHelpers, CaseHelpersRequest(caseId: try await caseId(), skill: text.isEmpty ? nil : text), as: CaseHelpersReply.self)
            await c.notice(reply.helpers.isEmpty ? "nobody matches" : reply.helpers.map {
                "@\($0.name) \($0.role.rawValue) score \($0.score) · \($0.online ? "online" : "offline") · \($0.activeCases)/\($0.maxActiveCases) cases · skills \($0.skills.joined(separator: ","))"
            }.joined(separator: "\n"))
        case "join":
            let joined = try await c.request(.caseJoin, CaseRef(caseId: try await caseId()), as: Case.self)
            await c.remember(joined)
            try await c.openThread(joined.thread)
        case "handoff":
            guard words.count >= 2 else { throw SwarmError.badRequest("usage: /case handoff @user|skill:x|#channel note (a full sentence)") }
            let to = words.removeFirst()
            let handoff = try await c.request(.caseHandoff, CaseHandoffRequest(caseId: try await caseId(), to: to, note: words.joined(separator: " ")), as: Handoff.self)
            await c.notice("handed \(handoff.caseId) to \(handoff.toName.map { "@\($0)" } ?? to)")
        case "reply":
            try await CareCommands.reply(c, caseId: try await caseId(), text: text, line: "/case reply " + rest)
        case "redirect":
            try await CareCommands.redirect(c, caseId: try await caseId(), words: words, line: "/case redirect " + rest)
        case "csat":
            try await CareCommands.csat(c, caseId: try await caseId(), words: words)
        case "topics":
            try await TopicEdit.run(c, caseId: try await caseId(), words: words)
        case "brief":
            let brief = try await c.request(.caseBrief, CaseBriefRequest(caseId: try await caseId(), timelineLimit: 50), as: CaseBrief.self)
            await c.remember(brief.caseInfo)
            await c.notice(CasePages.brief(brief).joined(separator: "\n"))
        default:
            throw SwarmError.badRequest("unknown /case \(sub)")
        }
    }

    /// `CS12`, or `cs12` as typed in a hurry.
    static func isCaseId(_ word: String) -> Bool {
        word.count > 2 && word.uppercased().hasPrefix("CS") && word.dropFirst(2).allSatisfy(\.isASCII) && word.dropFirst(2).allSatisfy(\.isNumber)
    }
}

/// The case a command acts on: its first word when that is a case id (taken out of the words),
/// else the case whose thread is open. Only the first word counts: a note or a hand-off text that
/// mentions another case ("see CS3", "after CS2 was solved") must neither re-target the command
/// nor lose those words.
public struct CaseTarget: Equatable, Sendable {
    public let explicit: String?

    public init(taking words: inout [String]) {
        if let first = words.first, CaseCommands.isCaseId(first) {
            explicit = first.uppercased()
            words.removeFirst()
        } else {
            explicit = nil
        }
    }

    func resolve(_ c: ChatController, else problem: String) async throws -> String {
        if let explicit { return explicit }
        if let current = await c.model.currentCase { return current.id }
        throw SwarmError.badRequest(problem)
    }
}
