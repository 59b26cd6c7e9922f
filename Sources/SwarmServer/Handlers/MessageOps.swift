import Foundation
import SwarmProtocol

enum MessageOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.messagePost] = { ctx in
            let posted = try await ctx.store.postForReply(ctx.principal, try ctx.decode(MessagePostRequest.self))
            if let json = posted.json, let reply = rawReply(ctx.id, json) { return reply }
            return ctx.reply(posted.message)
        }
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

    /// `Wire.reply(id, message)` built around the message's JSON as it was logged (the same
    /// encoder's output), so a post's message is encoded once, not once more for its reply. Nil
    /// for an id that would need escaping: those go through the encoder.
    static func rawReply(_ id: String, _ json: String) -> String? {
        guard id.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) else { return nil }
        return #"{"re":""# + id + #"","ok":true,"data":"# + json + "}"
    }
}
