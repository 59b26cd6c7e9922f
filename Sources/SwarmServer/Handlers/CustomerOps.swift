import Foundation
import SwarmProtocol

enum CustomerOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.customerCreate] = { ctx in ctx.reply(try await ctx.store.createCustomer(ctx.principal, try ctx.decode(CustomerCreateRequest.self))) }
        t[.customerFind] = { ctx in ctx.reply(try await ctx.store.findCustomers(ctx.principal, try ctx.decode(CustomerFindRequest.self))) }
        t[.customerUpdate] = { ctx in ctx.reply(try await ctx.store.updateCustomer(ctx.principal, try ctx.decode(CustomerUpdateRequest.self))) }
        t[.customerMerge] = { ctx in ctx.reply(try await ctx.store.mergeCustomers(ctx.principal, try ctx.decode(CustomerMergeRequest.self))) }
        t[.customerTimeline] = { ctx in ctx.reply(try await ctx.store.customerTimeline(ctx.principal, try ctx.decode(CustomerTimelineRequest.self))) }
    }
}
