import Foundation
import SwarmProtocol
import SwarmStore

/// `filtered.list`, `filtered.restore`, `filtered.confirm` and `case.topics` (PROTOCOL §23).
enum DupesOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.filteredList] = { ctx in ctx.reply(try await ctx.store.listFiltered(ctx.principal, try ctx.decode(FilteredListRequest.self))) }
        t[.filteredRestore] = { ctx in
            let core = ctx.core
            let reply = try await ctx.store.restoreFiltered(ctx.principal, try ctx.decode(FilteredRef.self), intakeChannel: core.config.intakeChannel,
                                                             slaHours: core.config.slaHours, followupHours: core.config.followupWindowHours,
                                                             dedicatedAccounts: core.dedicatedAccounts, triage: core.triage)
            // A restored contact starts or moves the case's SLA clocks, like any contact.
            core.slaScheduler.wake()
            return ctx.reply(reply)
        }
        t[.filteredConfirm] = { ctx in ctx.reply(try await ctx.store.confirmFiltered(ctx.principal, try ctx.decode(FilteredRef.self))) }
        t[.caseTopics] = { ctx in ctx.reply(try await ctx.store.caseTopics(ctx.principal, try ctx.decode(CaseTopicsRequest.self))) }
    }
}
