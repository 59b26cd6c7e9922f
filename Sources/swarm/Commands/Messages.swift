import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmTUI

/// `swarm post`: one message, optionally as a thread reply.
struct Post: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Post a message to a channel.",
        discussion: "Prints the new message's id (or the message as JSON with --json). A TEXT of - reads the text from standard input.")

    @Argument(help: "Channel: #name, name or id (C3).")
    var channel: String

    @Argument(help: "Message text, or - to read it from standard input.")
    var text: String

    @Option(help: ArgumentHelp("Reply in the thread of this root message.", valueName: "message-id"))
    var thread: String?

    @Option(help: "Key that makes a retried post return the first result instead of posting twice.")
    var idempotencyKey: String?

    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func run() async throws {
        var body = text
        if body == "-" {
            body = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            if body.hasSuffix("\n") { body.removeLast() }
        }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("the message text is empty")
        }
        let request = MessagePostRequest(channel: channel, body: body, thread: thread, idempotencyKey: idempotencyKey)
        try await options.withSession { session in
            let (raw, message) = try await session.call(.messagePost, request, as: Message.self)
            if options.json { Output.json(raw) } else { Output.line(message.id) }
        }
    }
}

/// `swarm history`: one page of a channel, oldest first.
struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a page of a channel's messages, oldest first.",
        discussion: "With --json prints the server's reply: {\"messages\": [...], \"next_before\": id}; pass next_before as --before for the previous page.")

    @Argument(help: "Channel: #name, name or id.")
    var channel: String

    @Option(help: "How many messages, at most the server's limits.history_max (200 unless configured).")
    var limit: Int = 50

    @Option(help: ArgumentHelp("Only messages older than this one.", valueName: "message-id"))
    var before: String?

    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let request = HistoryRequest(channel: channel, before: before, limit: limit)
        try await options.withSession { session in
            let (raw, page) = try await session.call(.history, request, as: HistoryReply.self)
            if options.json {
                Output.json(raw)
                return
            }
            var formatter = MessageFormatter(messages: page.messages)
            for message in page.messages {
                formatter.lines(for: message).forEach(Output.line)
            }
            if page.messages.isEmpty { Output.hint("(no messages)") }
            if let older = page.nextBefore { Output.hint("(older messages: --before \(older))") }
        }
    }
}

/// `swarm search`: full-text search over the channels the user may read.
struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search messages.",
        discussion: "Every word must match (the last one also as a prefix); best matches first, matching words marked **like this**.")

    @Argument(help: "Words to look for.")
    var query: String

    @Option(help: "Only this channel (#name, name or id).")
    var channel: String?

    @Option(help: "How many results (1–100).")
    var limit: Int = 20

    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func validate() throws {
        guard (1...100).contains(limit) else { throw ValidationError("--limit must be 1–100") }
    }

    func run() async throws {
        let request = SearchRequest(query: query, channel: channel, limit: limit)
        try await options.withSession { session in
            let (raw, reply) = try await session.call(.search, request, as: SearchReply.self)
            if options.json {
                Output.json(raw)
                return
            }
            // Results span channels, so each line names its channel.
            let names = try await session.channelNames()
            var formatter = MessageFormatter(messages: reply.results.map(\.message))
            formatter.showsDate = true
            for hit in reply.results {
                var message = hit.message
                // The `**` around matched words is for screens that can show bold; --json keeps it.
                message.body = Highlight.strip(hit.snippet)
                message.replyCount = 0
                formatter.lines(for: message, channelName: names[message.channel] ?? message.channel).forEach(Output.line)
            }
            if reply.results.isEmpty { Output.hint("(no matches)") }
        }
    }
}
