import Foundation
import SwarmProtocol
import SwarmStore

/// `report.get`: service figures over a period (PROTOCOL §26).
enum ReportOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.reportGet] = { ctx in ctx.reply(try await ctx.store.report(ctx.principal, try ctx.decode(ReportGetRequest.self))) }
    }
}
