import Foundation
import SwarmProtocol
import SwarmStore

/// `case.csat` and `reply.check` (PROTOCOL §25). Redirects and personal-data warnings ride on
/// `case.interaction` (CaseOps).
enum CareOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.caseCsat] = { ctx in ctx.reply(try await ctx.store.csat(ctx.principal, try ctx.decode(CaseCSATRequest.self))) }
        t[.replyCheck] = { ctx in ctx.reply(try await ctx.store.replyCheck(ctx.principal, try ctx.decode(ReplyCheckRequest.self), rules: ctx.core.tone)) }
    }
}
