import Foundation
import SwarmProtocol
import SwarmStore

/// `inbox.list`: what needs the caller (hand-offs, invitations, mentions, new cases).
enum InboxOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.inboxList] = { ctx in ctx.reply(try await ctx.store.inbox(ctx.principal, try ctx.decode(InboxListRequest.self))) }
    }
}
