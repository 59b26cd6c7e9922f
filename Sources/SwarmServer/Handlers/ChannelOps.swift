import Foundation
import SwarmProtocol

enum ChannelOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.channelCreate] = { ctx in ctx.reply(try await ctx.store.createChannel(ctx.principal, try ctx.decode(ChannelCreateRequest.self))) }
        t[.channelList] = { ctx in ctx.reply(ChannelListReply(channels: try await ctx.store.listChannels(ctx.principal))) }
        t[.channelJoin] = { ctx in ctx.reply(try await ctx.store.joinChannel(ctx.principal, ref: try ctx.decode(ChannelRef.self).channel)) }
        t[.channelLeave] = { ctx in
            try await ctx.store.leaveChannel(ctx.principal, ref: try ctx.decode(ChannelRef.self).channel)
            return ctx.reply(Empty())
        }
        t[.channelInvite] = { ctx in
            let req = try ctx.decode(ChannelInviteRequest.self)
            return ctx.reply(try await ctx.store.invite(ctx.principal, channel: req.channel, user: req.user))
        }
        t[.channelMembers] = { ctx in
            ctx.reply(ChannelMembersReply(members: try await ctx.store.members(ctx.principal, channel: try ctx.decode(ChannelRef.self).channel)))
        }
        t[.dmOpen] = { ctx in ctx.reply(try await ctx.store.openDM(ctx.principal, with: try ctx.decode(DMOpenRequest.self).user)) }
    }
}
