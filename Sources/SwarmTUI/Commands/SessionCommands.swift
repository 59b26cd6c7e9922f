import SwarmProtocol

/// /help, /clear, /quit, /away, /who, /search.
public enum SessionCommands {
    public static let commands: [SlashCommand] = [
        SlashCommand("help", [.optional(.text)], usage: "/help [command]", summary: "List commands, or explain one") { c, args in
            await c.notice(CommandParser.help(args.first))
        },
        SlashCommand("clear", usage: "/clear", summary: "Close the command output pane (Esc does the same)") { c, _ in
            await c.clearOutput()
        },
        SlashCommand("quit", usage: "/quit", summary: "Leave the client (Ctrl-C does the same); asks first while lines wait to be sent") { _, _ in
            throw QuitRequested()
        },
        SlashCommand("away", usage: "/away", summary: "Toggle away / online for your teammates (the status line says when you are away)") { c, _ in
            let away = try await c.toggleAway()
            await c.notice(away ? "you are away" : "you are back online")
        },
        SlashCommand("who", [.optional(.channel)], usage: "/who [#channel]", summary: "Members of a channel and who is online") { c, args in
            let model = await c.model
            guard let id = model.channelId(argument: args[0]) else {
                throw SwarmError.notFound("you are not in \(args[0])")
            }
            let members = try await c.request(.channelMembers, ChannelRef(channel: id), as: ChannelMembersReply.self)
            let presence = try await c.request(.presenceList, Empty(), as: PresenceListReply.self)
            let status = Dictionary(presence.users.map { ($0.user, $0.status) }, uniquingKeysWith: { a, _ in a })
            let lines = members.members.map { u in
                "  \(u.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(u.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \((status[u.id] ?? .offline).rawValue)"
            }
            await c.notice((["Members of \(model.channels[id].map { model.displayName($0.channel) } ?? id):"] + lines).joined(separator: "\n"))
        },
        SlashCommand("search", [.text], usage: "/search [--relevance] words", summary: "Search messages you can read (oldest first; --relevance: best first)",
                     details: ["The server's 20 best matches, listed in time order, newest last, with day, time and channel;",
                               "--relevance lists them best first instead. /grep searches only what is loaded here."]) { c, args in
            let (query, relevance) = SearchOrder.parse(args[0])
            guard !query.isEmpty else { throw SwarmError.badRequest("usage: /search [--relevance] words") }
            let reply = try await c.request(.search, SearchRequest(query: query, limit: 20), as: SearchReply.self)
            await c.notice(SearchOrder.page(reply.results, query: query, relevance: relevance, model: await c.model), highlighted: true)
        },
    ]
}

/// Thrown by /quit; the app ends its loop.
public struct QuitRequested: Error {}
