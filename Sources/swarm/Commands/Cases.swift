import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmTUI

/// `swarm case …`: the case ops for scripts and people. With --json each prints the server's
/// reply; otherwise the same text the interactive client shows.
struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Open, inspect and work on customer cases.",
        subcommands: [Open.self, Show.self, List.self, Take.self, Rename.self, Status.self, Priority.self, Link.self, Note.self, Fact.self,
                      Interaction.self, Swarm.self, Helpers.self, Join.self, Handoff.self, Brief.self])

    /// Sends one request and prints its reply as JSON or through `text`.
    static func call<T: Encodable & Sendable, R: Decodable & Sendable>(_ options: GlobalOptions, _ op: Op, _ request: T, as type: R.Type,
                                                                        text: @escaping (R) -> [String]) async throws {
        try await options.withSession { session in
            let (raw, value) = try await session.call(op, request, as: R.self)
            if options.json { Output.json(raw) } else { text(value).forEach(Output.line) }
        }
    }

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a case and its thread in a team channel.",
                                                        discussion: "The customer is --customer CU12, or --identity channel:handle (found or created, named --name).")
        @Argument(help: "Case title.") var title: String
        @Option(help: "Team channel for the case thread.") var channel: String
        @Option(help: "Existing customer id.") var customer: String?
        @Option(help: "Customer contact as channel:handle, e.g. whatsapp:+393331234567.") var identity: String?
        @Option(help: "Name for a new customer.") var name: String?
        @Option(help: "low, normal, high or urgent.") var priority: String = "normal"
        @Option(help: "Summary of the problem.") var summary: String?
        @Option(help: "Comma-separated tags.") var tags: String?
        @Option(help: "Ticket as system:key (repeatable).") var ticket: [String] = []
        @Option(help: "Key that makes a retried open return the first case.") var idempotencyKey: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions

        func run() async throws {
            guard let p = CasePriority(rawValue: priority) else { throw ValidationError("--priority is low, normal, high or urgent") }
            var id: Identity?
            if let identity {
                guard let parsed = CustomerLookup.identity(identity) else { throw ValidationError("--identity is channel:handle (whatsapp, email, phone, …)") }
                id = parsed
            }
            guard (customer == nil) != (id == nil) else { throw ValidationError("give --customer or --identity") }
            let tickets = try ticket.map { t -> TicketRef in
                let parts = t.split(separator: ":", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--ticket is system:key") }
                return TicketRef(system: parts[0], key: parts[1])
            }
            let request = CaseOpenRequest(title: title, customer: customer, identity: id, customerName: name, channel: channel, priority: p,
                                          sourceChannel: id?.channel, summary: summary, tickets: tickets.isEmpty ? nil : tickets,
                                          tags: tags.map { $0.split(separator: ",").map(String.init) }, idempotencyKey: idempotencyKey)
            try await CaseCommand.call(options, .caseOpen, request, as: Case.self) { CasePages.show($0) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case.")
        @Argument(help: "Case id (CS12).") var caseId: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseGet, CaseRef(caseId: caseId), as: Case.self) { CasePages.show($0) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases, newest first (default: active cases).")
        @Option(help: "Comma-separated statuses.") var status: String = "new,open,pending"
        @Option(help: "Owner: a user, me, or none.") var owner: String?
        @Flag(help: "With --owner: also the cases nobody owns (--owner me --include-unowned: mine and up for grabs).") var includeUnowned = false
        @Option(help: "Team channel.") var channel: String?
        @Option(help: "Tag.") var tag: String?
        @Option(help: "Customer id.") var customer: String?
        @Option(help: "How many (1–200).") var limit: Int = 50
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            let statuses = try status.split(separator: ",").map { s in
                guard let v = CaseStatus(rawValue: String(s)) else { throw ValidationError("unknown status \(s)") }
                return v
            }
            let request = CaseListRequest(status: statuses, owner: owner, includeUnowned: includeUnowned ? true : nil, channel: channel, tag: tag, customer: customer, limit: limit)
            try await CaseCommand.call(options, .caseList, request, as: CaseListReply.self) { $0.cases.isEmpty ? ["(no cases)"] : $0.cases.map(CasePages.summary) }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a case: new, open, pending, solved, closed (reopen with open).")
        @Argument(help: "Case id.") var caseId: String
        @Argument(help: "New status.") var status: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            guard let s = CaseStatus(rawValue: status) else { throw ValidationError("status is new, open, pending, solved or closed") }
            try await CaseCommand.call(options, .caseUpdate, CaseUpdateRequest(caseId: caseId, status: s), as: Case.self) { [CasePages.summary($0)] }
        }
    }

    struct Priority: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a case's priority.")
        @Argument(help: "Case id.") var caseId: String
        @Argument(help: "low, normal, high or urgent.") var priority: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            guard let p = CasePriority(rawValue: priority) else { throw ValidationError("priority is low, normal, high or urgent") }
            try await CaseCommand.call(options, .caseUpdate, CaseUpdateRequest(caseId: caseId, priority: p), as: Case.self) { [CasePages.summary($0)] }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Link an external ticket (Zendesk, Jira, …) to a case.")
        @Argument(help: "Case id.") var caseId: String
        @Argument(help: "Ticket system, e.g. zendesk.") var system: String
        @Argument(help: "Ticket key.") var key: String
        @Option(name: .customLong("ticket-url"), help: "Ticket URL.") var ticketURL: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseLinkTicket, CaseTicketRequest(caseId: caseId, system: system, key: key, url: ticketURL), as: Case.self) { CasePages.show($0) }
        }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an internal note (never customer-facing) to a case thread.")
        @Argument(help: "Case id.") var caseId: String
        @Argument(help: "Note text; @mentions notify.") var text: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseNote, CaseNoteRequest(caseId: caseId, text: text), as: Message.self) { [$0.id] }
        }
    }

    struct Fact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record something the customer already told us (order number, email, …).")
        @Argument(help: "Case id.") var caseId: String
        @Argument(help: "Key, e.g. order_number.") var key: String
        @Argument(help: "Value.") var value: String
        @Option(help: "Where it came from.") var source: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseFact, CaseFactRequest(caseId: caseId, key: key, value: value, source: source), as: CaseFact.self) { ["\($0.key) = \($0.value)"] }
        }
    }

    struct Swarm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invite colleagues into a case, by name or by skill.")
        @Argument(help: "Case id.") var caseId: String
        @Argument(help: "Why you need them.") var message: String
        @Option(help: "Comma-separated users.") var users: String?
        @Option(help: "Skill: the best three available people with it.") var skill: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            let request = CaseSwarmRequest(caseId: caseId, users: users.map { $0.split(separator: ",").map(String.init) }, skill: skill, message: message)
            try await CaseCommand.call(options, .caseSwarm, request, as: CaseSwarmReply.self) { ["invited " + $0.invited.map { "@\($0.name)" }.joined(separator: ", ")] }
        }
    }

    struct Helpers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who could help: skill match, online, load, similar cases solved.")
        @Argument(help: "Case id.") var caseId: String
        @Option(help: "Only people with this skill.") var skill: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseHelpers, CaseHelpersRequest(caseId: caseId, skill: skill), as: CaseHelpersReply.self) { reply in
                reply.helpers.map {
                    "\($0.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(format: "%6.2f", $0.score))  \($0.online ? "online " : "offline") \($0.activeCases)/\($0.maxActiveCases)  \($0.skills.joined(separator: ","))"
                }
            }
        }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join a case's thread (after a swarm invite).")
        @Argument(help: "Case id.") var caseId: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseJoin, CaseRef(caseId: caseId), as: Case.self) { CasePages.show($0) }
        }
    }

    struct Handoff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hand a case over with a note: to @user, skill:NAME or #channel.")
        @Argument(help: "Case id.") var caseId: String
        @Argument(help: "@user, skill:NAME or #channel.") var to: String
        @Argument(help: "What was done and what is next (at least one sentence).") var note: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseHandoff, CaseHandoffRequest(caseId: caseId, to: to, note: note), as: SwarmProtocol.Handoff.self) {
                ["handed \($0.caseId) to \($0.toName.map { "@\($0)" } ?? $0.toChannel ?? "?")"]
            }
        }
    }

    struct Brief: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The case brief: customer, tickets, facts, hand-off notes, open questions, timeline.")
        @Argument(help: "Case id.") var caseId: String
        @Option(help: "Timeline entries (newest, 1–500).") var timeline: Int = 100
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseBrief, CaseBriefRequest(caseId: caseId, timelineLimit: timeline), as: CaseBrief.self) { CasePages.brief($0) }
        }
    }
}
