import Foundation
import SwarmProtocol
import SwarmStore

/// `queue.list` and `queue.next` (PROTOCOL §22).
enum QueueOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.queueList] = { ctx in ctx.reply(try await ctx.store.queueList(ctx.principal, try ctx.decode(QueueListRequest.self))) }
        t[.queueNext] = { ctx in ctx.reply(try await ctx.store.queueNext(ctx.principal, try ctx.decode(QueueNextRequest.self))) }
    }
}
