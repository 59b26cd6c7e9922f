import Foundation
import SwarmProtocol
import SwarmStore

enum CaseOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.caseOpen] = { ctx in
            let opened = try await ctx.store.openCase(ctx.principal, try ctx.decode(CaseOpenRequest.self), slaHours: ctx.core.config.slaHours,
                                                      dedicatedAccounts: ctx.core.dedicatedAccounts)
            ctx.core.slaScheduler.wake()
            return ctx.reply(opened)
        }
        t[.caseGet] = { ctx in ctx.reply(try await ctx.store.getCase(ctx.principal, try ctx.decode(CaseRef.self))) }
        t[.caseList] = { ctx in ctx.reply(try await ctx.store.listCases(ctx.principal, try ctx.decode(CaseListRequest.self))) }
        t[.caseUpdate] = { ctx in
            let updated = try await ctx.store.updateCase(ctx.principal, try ctx.decode(CaseUpdateRequest.self))
            ctx.core.slaScheduler.wake()
            return ctx.reply(updated)
        }
        t[.caseLinkTicket] = { ctx in ctx.reply(try await linkTicket(ctx.core, ctx.principal, try ctx.decode(CaseTicketRequest.self))) }
        t[.caseUnlinkTicket] = { ctx in ctx.reply(try await ctx.store.unlinkTicket(ctx.principal, try ctx.decode(CaseTicketRequest.self))) }
        t[.ticketLookup] = { ctx in ctx.reply(try await ctx.store.lookupTicket(ctx.principal, try ctx.decode(TicketRef.self))) }
        t[.caseInteraction] = { ctx in ctx.reply(try await interaction(ctx.core, ctx.principal, try ctx.decode(InteractionRequest.self))) }
        t[.caseNote] = { ctx in ctx.reply(try await ctx.store.note(ctx.principal, try ctx.decode(CaseNoteRequest.self))) }
        t[.caseFact] = { ctx in ctx.reply(try await ctx.store.fact(ctx.principal, try ctx.decode(CaseFactRequest.self))) }
        t[.messageMark] = { ctx in ctx.reply(try await ctx.store.mark(ctx.principal, try ctx.decode(MessageMarkRequest.self))) }
        t[.caseHelpers] = { ctx in
            ctx.reply(try await ctx.store.helpers(ctx.principal, try ctx.decode(CaseHelpersRequest.self), online: ctx.core.hub.availableUsers()))
        }
        t[.caseSwarm] = { ctx in
            ctx.reply(try await ctx.store.swarm(ctx.principal, try ctx.decode(CaseSwarmRequest.self), online: ctx.core.hub.availableUsers()))
        }
        t[.caseJoin] = { ctx in ctx.reply(try await ctx.store.joinCase(ctx.principal, try ctx.decode(CaseRef.self))) }
        t[.caseHandoff] = { ctx in
            ctx.reply(try await ctx.store.handoff(ctx.principal, try ctx.decode(CaseHandoffRequest.self), online: ctx.core.hub.availableUsers()))
        }
        t[.caseBrief] = { ctx in ctx.reply(try await ctx.store.brief(ctx.principal, try ctx.decode(CaseBriefRequest.self))) }
        DupesOps.register(&t)
    }

    // The two ops bots also reach over HTTP (BotRoutes): one implementation, so both paths use the
    // same store call with the same settings.

    /// An inbound contact matching a noise rule goes to the filtered bin instead (PROTOCOL §23).
    static func interaction(_ core: ServerCore, _ p: Principal, _ req: InteractionRequest) async throws -> InteractionOutcome {
        if req.direction == .inbound, let rule = core.triage.noise.rule(for: req.text) {
            let held = try await core.store.holdFiltered(p, req, rule: rule)
            core.logger.info("contact filtered as noise", metadata: ["user": "\(p.name)", "rule": "\(rule)", "filtered": "\(held.filtered.id)"])
            return .filtered(held)
        }
        let reply = try await core.store.interaction(p, req, intakeChannel: core.config.intakeChannel, slaHours: core.config.slaHours,
                                                     followupHours: core.config.followupWindowHours, dedicatedAccounts: core.dedicatedAccounts,
                                                     triage: core.triage)
        core.slaScheduler.wake()
        await ReportMetrics.recorded(req, reply, store: core.store)
        return .recorded(reply)
    }

    static func linkTicket(_ core: ServerCore, _ p: Principal, _ req: CaseTicketRequest) async throws -> Case {
        try await core.store.linkTicket(p, req)
    }
}
