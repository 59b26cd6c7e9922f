import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmTUI

/// `swarm queue`: the triage queue, best first, with why; `swarm queue next` takes the best case.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "The triage queue: open cases best first with their score and why; take the next one.",
        subcommands: [QueueList.self, QueueNext.self],
        defaultSubcommand: QueueList.self)
}

struct QueueList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List open cases you may see, best first (the default of `swarm queue`).",
        discussion: "With --json prints the server's reply to queue.list.")

    @Option(help: "Only this channel (id or name).") var channel: String?
    @Option(help: "Only cases tagged with this skill.") var skill: String?
    @Option(help: "none: nobody owns it; me: yours.") var owner: String?
    @Option(help: "Most cases, 1-200.") var limit: Int?
    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func validate() throws {
        if let limit, !(1...200).contains(limit) { throw ValidationError("--limit must be 1-200") }
        if let owner, owner != "none", owner != "me" { throw ValidationError("--owner must be none or me") }
    }

    func run() async throws {
        try await options.withSession { session in
            let request = QueueListRequest(channel: channel.map { $0.hasPrefix("#") ? String($0.dropFirst()) : $0 }, skill: skill, owner: owner, limit: limit)
            let (raw, reply) = try await session.call(.queueList, request, as: QueueListReply.self)
            if options.json {
                Output.json(raw)
                return
            }
            let names = reply.items.isEmpty ? [:] : try await session.channelNames()
            let now = QueuePages.parseTime(reply.at) ?? Date()
            QueuePages.page(reply, now: now) { id in names[id].map { "#" + $0 } ?? id }.forEach { Output.line($0.text) }
        }
    }
}

struct QueueNext: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Take the best case you may take (it becomes yours, new → open).",
        discussion: "With --json prints the server's reply to queue.next. Exits 0 with a message when nothing is left to take.")

    @Option(help: "Only this channel (id or name).") var channel: String?
    @Option(help: "Only cases tagged with this skill.") var skill: String?
    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func run() async throws {
        try await options.withSession { session in
            let request = QueueNextRequest(channel: channel.map { $0.hasPrefix("#") ? String($0.dropFirst()) : $0 }, skill: skill)
            let (raw, reply) = try await session.call(.queueNext, request, as: QueueNextReply.self)
            if options.json {
                Output.json(raw)
                return
            }
            guard let item = reply.item else {
                Output.line("queue: nothing you may take")
                return
            }
            Output.line("took \(item.caseInfo.id) \(item.caseInfo.title) (score \(item.score): \(item.why))")
        }
    }
}
