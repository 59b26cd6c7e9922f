import SwarmProtocol

/// /join, /leave, /invite, /dm, /channels, /create.
public enum ChannelCommands {
    public static let commands: [SlashCommand] = [
        SlashCommand("join", [.channel], usage: "/join #channel", summary: "Join (or switch to) a channel") { c, args in
            if let known = await c.model.channel(named: args[0]) {
                await c.select(channel: known.channel.id)
                return
            }
            let channel = try await c.request(.channelJoin, ChannelRef(channel: args[0]), as: Channel.self)
            await c.joined(channel)
        },
        SlashCommand("leave", [.optional(.channel)], usage: "/leave [#channel]", summary: "Leave the current or named channel") { c, args in
            let model = await c.model
            guard let id = model.channelId(argument: args[0]) else {
                throw SwarmError.notFound("you are not in \(args[0])")
            }
            _ = try await c.request(.channelLeave, ChannelRef(channel: id), as: Empty.self)
            await c.left(id)
        },
        SlashCommand("invite", [.user, .optional(.channel)], usage: "/invite @user [#channel]",
                     summary: "Add someone to the current or named channel (private ones: members and admins may)") { c, args in
            try await invite(c, user: args[0], to: args[1])
        },
        SlashCommand("dm", [.user], usage: "/dm @user", summary: "Open a direct conversation") { c, args in
            let channel = try await c.request(.dmOpen, DMOpenRequest(user: args[0]), as: Channel.self)
            await c.joined(channel)
        },
        SlashCommand("create", [.channel, .optional(.choice(["private", "public"]))], usage: "/create #name [private]", summary: "Create a channel and join it") { c, args in
            let kind: ChannelKind = args[1] == "private" ? .private : .public
            let channel = try await c.request(.channelCreate, ChannelCreateRequest(name: args[0], kind: kind), as: Channel.self)
            await c.joined(channel)
        },
        SlashCommand("channels", usage: "/channels", summary: "List channels you can join") { c, _ in
            let list = try await c.request(.channelList, Empty(), as: ChannelListReply.self)
            let lines = list.channels.filter { $0.kind != .dm }.map {
                "  \($0.member == true ? "*" : " ") #\($0.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \($0.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \($0.topic ?? "")"
            }
            await c.notice((["Channels (* = member; /join #name):"] + lines).joined(separator: "\n"))
        },
    ]

    static func invite(_ c: ChatController, user: String, to argument: String) async throws {
        let model = await c.model
        // A channel this client does not know (a lead inviting into a public channel they are not
        // in) is passed on as typed, for the server to find or refuse.
        guard let channel = argument.isEmpty ? model.current : (model.channel(named: argument)?.channel.id ?? argument) else {
            throw SwarmError.badRequest("open a channel first, or name one: /invite @bob #support")
        }
        let known = model.channels[channel]
        if known?.channel.kind == .dm { throw SwarmError.badRequest("a direct conversation is for two: /create #name private, then /invite there") }
        let place = known.map { model.displayName($0.channel) } ?? argument
        do {
            _ = try await c.request(.channelInvite, ChannelInviteRequest(channel: channel, user: user), as: Channel.self)
        } catch let error as SwarmError where error.code == .forbidden {
            throw SwarmError.forbidden("the server refused: \(error.message) (\(place); private channels take invitations from their members and admins only)")
        }
        await c.notice("invited \(user.hasPrefix("@") ? user : "@" + user) to \(place)")
    }
}
