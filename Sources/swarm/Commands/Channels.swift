import ArgumentParser
import Foundation
import SwarmProtocol

/// `swarm channels`: the channels the user can see.
struct Channels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the channels you can see (public ones and those you are a member of).",
        discussion: "With --json prints the server's reply: {\"channels\": [...]}, each with a member flag.")

    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func run() async throws {
        try await options.withSession { session in
            let (raw, reply) = try await session.call(.channelList, Empty(), as: ChannelListReply.self)
            if options.json {
                Output.json(raw)
                return
            }
            let rows = [["ID", "CHANNEL", "KIND", "MEMBER", "TOPIC"]] + reply.channels.map { channel in
                [channel.id, "#" + Text.clean(channel.name), channel.kind.rawValue, channel.member == true ? "yes" : "no",
                 Text.clean(channel.topic ?? "").replacingOccurrences(of: "\n", with: " ")]
            }
            let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                var line = (0..<4).map { Text.pad(row[$0], widths[$0]) }.joined(separator: "  ") + "  " + row[4]
                while line.hasSuffix(" ") { line.removeLast() }
                Output.line(line)
            }
            if reply.channels.isEmpty { Output.hint("(no channels)") }
        }
    }
}

extension ServerSession {
    func channels() async throws -> [Channel] {
        try await call(.channelList, Empty(), as: ChannelListReply.self).value.channels
    }

    /// Channel id → name, for output that spans channels.
    func channelNames() async throws -> [String: String] {
        Dictionary(try await channels().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// The channel a user named (`#support`, `support` or `C3`). Events carry channel ids, so
    /// commands that filter events need this. When the channel is not in the list, the server is
    /// asked for its history so that the user gets the server's own refusal (not found, forbidden).
    func resolveChannel(_ ref: String) async throws -> Channel {
        let name = (ref.hasPrefix("#") ? String(ref.dropFirst()) : ref).lowercased()
        let list = try await channels()
        if let channel = list.first(where: { $0.id == ref }) ?? list.first(where: { $0.name == name }) {
            return channel
        }
        let page = try await call(.history, HistoryRequest(channel: ref, limit: 1), as: HistoryReply.self).value
        if let id = page.messages.first?.channel, let channel = list.first(where: { $0.id == id }) {
            return channel
        }
        throw CLIError(.notFound, "no such channel: \(ref)")
    }
}
