import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

/// `inbox.list` against a live server: what needs a user who was not connected, filtered by the
/// case visibility rule; and the terminal client's announcement of it on start.
@Suite("Inbox", .hangGuard)
struct InboxTests {
    /// lena hands a private case to anna, a bot queues one new case in public #support and one
    /// in private #vip, and a message in the public case's thread mentions erin (marketing).
    struct Desk {
        var anna: String, otto: String, erin: String
        var vipCase: String, supportCase: String, handoffNote: String
    }

    func setUp(_ server: TestServer) async throws -> Desk {
        let lead = try await server.client("lena", role: .lead)
        let anna = try await server.user("anna"), otto = try await server.user("otto"), erin = try await server.user("erin", role: .marketing)
        _ = try await lead.createChannel("support", members: ["anna", "otto", "erin"])
        _ = try await lead.createChannel("vip", kind: .private, members: ["anna"])
        let (_, botToken) = try await server.store.createBot(name: "wa-bot", scopes: ["case.interaction", "case.open"], channels: ["support", "vip"])
        _ = try await lead.request(.channelInvite, ChannelInviteRequest(channel: "#vip", user: "wa-bot"))
        let bot = try await TestClient.connect(url: server.url, token: botToken)
        let queued = try await bot.request(.caseInteraction, InteractionRequest(identity: Identity(channel: .whatsapp, handle: "+39 333 1"), channel: .whatsapp,
                                                                                direction: .inbound, text: "Where is my parcel?"), as: InteractionReply.self)
        let vip = try await bot.request(.caseOpen, CaseOpenRequest(title: "VIP chargeback", identity: Identity(channel: .email, handle: "ceo@example.com"),
                                                                   channel: "#vip"), as: Case.self)
        let note = "Chargeback filed by the bank; call the customer before Friday."
        _ = try await lead.request(.caseHandoff, CaseHandoffRequest(caseId: vip.id, to: "@anna", note: note), as: Handoff.self)
        _ = try await lead.post("#support", "@erin can marketing send this customer a voucher?", thread: queued.thread)
        return Desk(anna: anna, otto: otto, erin: erin, vipCase: vip.id, supportCase: queued.caseId, handoffNote: note)
    }

    @Test("hand-offs, invitations, mentions and new cases, each only when the reader may see the case")
    func inboxFollowsCaseVisibility() async throws {
        try await withServer { server in
            let desk = try await setUp(server)
            let anna = try await TestClient.connect(url: server.url, token: desk.anna)
            let box = try await anna.request(.inboxList, InboxListRequest(), as: InboxListReply.self)
            #expect(box.handoffs.map(\.caseInfo.id) == [desk.vipCase] && box.handoffs.first?.handoff.note == desk.handoffNote)
            #expect(box.mentions.count == 1 && box.mentions.first?.body.hasPrefix("Handed off to @anna") == true)
            // The hand-off made the vip case hers (open); only the #support one is new and free.
            #expect(box.newCases.map(\.id) == [desk.supportCase])

            // otto is not in private #vip: neither that case nor anything of it.
            let otto = try await TestClient.connect(url: server.url, token: desk.otto)
            let ottos = try await otto.request(.inboxList, InboxListRequest(), as: InboxListReply.self)
            #expect(ottos.newCases.map(\.id) == [desk.supportCase] && ottos.handoffs.isEmpty && ottos.mentions.isEmpty)
            #expect(try await otto.refusal(.caseGet, CaseRef(caseId: desk.vipCase)) == .forbidden)

            // erin (marketing) is mentioned in the #support case's thread but was not swarmed into
            // it, so she may not see that case: the mention is not shown, nor are new cases.
            let erin = try await TestClient.connect(url: server.url, token: desk.erin)
            #expect(try await erin.request(.inboxList, InboxListRequest(), as: InboxListReply.self).isEmpty)
            #expect(try await erin.request(.unreadList, Empty(), as: UnreadListReply.self).channels.first { $0.name == "support" }?.mentions == 1)

            // Swarmed in, she sees the invitation and the mention.
            let lead = try await server.client("lena2", role: .lead)
            _ = try await lead.request(.caseSwarm, CaseSwarmRequest(caseId: desk.supportCase, users: ["erin"], message: "Voucher wording please"), as: CaseSwarmReply.self)
            let erins = try await erin.request(.inboxList, InboxListRequest(), as: InboxListReply.self)
            #expect(erins.invitations.map(\.caseInfo.id) == [desk.supportCase] && erins.invitations.first?.invitedByName == "lena2")
            #expect(erins.mentions.count == 2)
            _ = try await erin.request(.caseJoin, CaseRef(caseId: desk.supportCase), as: Case.self)
            #expect(try await erin.request(.inboxList, InboxListRequest(), as: InboxListReply.self).invitations.isEmpty)

            // A case handed to #support's queue is up for grabs too, for those who may see it.
            let queued = try await lead.request(.caseOpen, CaseOpenRequest(title: "Wrong size", identity: Identity(channel: .email, handle: "kim@example.com"),
                                                                           channel: "#support"), as: Case.self)
            _ = try await lead.request(.caseHandoff, CaseHandoffRequest(caseId: queued.id, to: "#support", note: "Please take this one, I am off tomorrow."),
                                       as: Handoff.self)
            #expect(try await otto.request(.inboxList, InboxListRequest(), as: InboxListReply.self).newCases.map(\.id) == [queued.id, desk.supportCase])

            // Opening the channel (read.mark) acknowledges the hand-off and the mention.
            _ = try await anna.request(.readMark, ReadMarkRequest(channel: "#vip"))
            let after = try await anna.request(.inboxList, InboxListRequest(limit: 1), as: InboxListReply.self)
            #expect(after.handoffs.isEmpty && after.mentions.isEmpty && after.newCases.count == 1)

            #expect(try await anna.refusal(.inboxList, InboxListRequest(limit: 101)) == .badRequest)
            #expect(try await anna.refusal(.inboxList, ["limit": "ten"]) == .badRequest)
        }
    }

    @Test("the terminal client announces the inbox once on start, with one alert (the bell), and /inbox lists it")
    func clientAnnouncesInbox() async throws {
        try await withServer { server in
            let desk = try await setUp(server)
            let controller = ChatController(url: server.url, token: desk.anna)
            await controller.start()
            let line = "inbox: 1 hand-off, 1 mention, 1 new case — /inbox"
            guard await controller.waitUntil(seconds: 10, { $0.notices.contains { $0.text == line } }) else { throw Timeout(what: "the inbox line") }
            #expect(await controller.takeAlerts().map(\.text) == [line], "one alert, so one bell")
            #expect(await InteractiveApp.submit("/inbox", to: controller))
            guard await controller.waitUntil(seconds: 10, { $0.notices.contains { $0.text.contains("(/case brief \(desk.vipCase))") } }) else {
                throw Timeout(what: "the /inbox page")
            }
            let texts = await controller.model.notices.map(\.text)
            // The bot opened the case, so nobody owned it before the hand-off.
            #expect(texts.contains { $0.contains("from the queue: \(desk.handoffNote)") })
            #expect(texts.contains { $0.contains("(/case take \(desk.supportCase))") })
            #expect(await controller.takeAlerts().isEmpty, "/inbox does not ring again")
            await controller.stop()
        }
    }
}
