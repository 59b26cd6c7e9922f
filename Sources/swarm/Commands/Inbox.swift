import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmTUI

/// `swarm inbox`: what needs you, as the interactive client shows it on start.
struct Inbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what needs you: cases handed to you, swarm invitations, unread mentions, new cases nobody owns.",
        discussion: "With --json prints the server's reply to inbox.list.")

    @Option(help: "Most items of each kind, 1-100.") var limit: Int?
    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func validate() throws {
        if let limit, !(1...100).contains(limit) { throw ValidationError("--limit must be 1-100") }
    }

    func run() async throws {
        try await options.withSession { session in
            let (raw, reply) = try await session.call(.inboxList, InboxListRequest(limit: limit), as: InboxListReply.self)
            if options.json {
                Output.json(raw)
                return
            }
            let names = reply.mentions.isEmpty ? [:] : try await session.channelNames()
            let lines = [InboxPages.summary(reply)].compactMap { $0 } + InboxPages.page(reply) { id in names[id].map { "#" + $0 } ?? id }
            lines.forEach(Output.line)
        }
    }
}
