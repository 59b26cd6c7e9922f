import Foundation
import SwarmProtocol

enum MessageOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.messagePost] = { ctx in ctx.reply(try await ctx.store.post(ctx.principal, try ctx.decode(MessagePostRequest.self))) }
        t[.messageEdit] = { ctx in ctx.reply(try await ctx.store.edit(ctx.principal, try ctx.decode(MessageEditRequest.self))) }
        t[.messageDelete] = { ctx in ctx.reply(try await ctx.store.delete(ctx.principal, try ctx.decode(MessageRef.self))) }
        t[.messageVersions] = { ctx in ctx.reply(try await ctx.store.versions(ctx.principal, try ctx.decode(MessageRef.self))) }
        t[.history] = { ctx in
            ctx.reply(try await ctx.store.history(ctx.principal, try ctx.decode(HistoryRequest.self), maxLimit: ctx.core.config.historyMax))
        }
        t[.threadGet] = { ctx in ctx.reply(try await ctx.store.thread(ctx.principal, try ctx.decode(MessageRef.self))) }
        t[.readMark] = { ctx in ctx.reply(try await ctx.store.markRead(ctx.principal, try ctx.decode(ReadMarkRequest.self))) }
        t[.unreadList] = { ctx in ctx.reply(try await ctx.store.unread(ctx.principal)) }
        t[.search] = { ctx in ctx.reply(try await ctx.store.search(ctx.principal, try ctx.decode(SearchRequest.self))) }
    }
}
