import Foundation
import SwarmProtocol
import Testing

/// `queue.list` and `queue.next` over real sockets (PROTOCOL §22; the transcript
/// protocol/examples/queue.jsonl shows the wire).
@Suite("Triage queue", .hangGuard)
struct QueueTests {
    static func contact(_ bot: TestClient, handle: String, text: String, isPublic: Bool? = nil, reach: Int? = nil) async throws -> InteractionReply {
        try await bot.request(.caseInteraction, InteractionRequest(identity: Identity(channel: .twitter, handle: handle), channel: .twitter,
                                                                   direction: .inbound, text: text, isPublic: isPublic, reach: reach),
                              as: InteractionReply.self)
    }

    @Test("best first with a readable breakdown; a private case never reaches a reader who may not see it, in the list or as an event")
    func listAndPrivacy() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            _ = try await lead.createChannel("vip-desk", kind: .private, members: [])
            let bob = try await server.client("bob")
            _ = try await bob.request(.channelJoin, ChannelRef(channel: "support"))
            let (_, botToken) = try await server.store.createBot(name: "x-bot", scopes: ["case.interaction"], channels: ["support*"])
            let bot = try await TestClient.connect(url: server.url, token: botToken)

            let quiet = try await Self.contact(bot, handle: "@quiet", text: "hello, a question about my plan")
            let loud = try await Self.contact(bot, handle: "@loud", text: "Voglio il RIMBORSO, è una truffa!", isPublic: true, reach: 48_000)
            _ = try await bob.event("case.updated") { $0.data?["case"]?["id"]?.string == loud.caseId }
            // The private case: opened by the lead in a channel bob is not in.
            let secret = try await lead.request(.caseOpen, CaseOpenRequest(title: "Board member complaint", identity: Identity(channel: .email, handle: "ceo@corp.example"),
                                                                           channel: "vip-desk", priority: .urgent), as: Case.self)
            _ = try await lead.event("case.updated") { $0.data?["case"]?["id"]?.string == secret.id }

            let seen = try await bob.request(.queueList, QueueListRequest(limit: 10), as: QueueListReply.self)
            #expect(seen.items.map(\.caseInfo.id) == [loud.caseId, quiet.caseId])
            let top = try #require(seen.items.first)
            #expect(top.why.contains("+30 public post"))
            #expect(top.why.contains("+13 reach 48k"))
            #expect(top.why.contains("urgent words: rimbors…, truffa"))
            #expect(top.score == top.parts.reduce(0) { $0 + $1.points })
            #expect(top.slaDue != nil && top.waitingSince != nil)
            #expect(seen.refreshSeconds > 0)

            let all = try await lead.request(.queueList, QueueListRequest(), as: QueueListReply.self)
            #expect(all.items.map(\.caseInfo.id) == [loud.caseId, secret.id, quiet.caseId], "public, reach and urgent words (67) beat urgent priority alone (30)")
            #expect(try await bob.request(.queueList, QueueListRequest(owner: "none"), as: QueueListReply.self).items.count == 2)
            #expect(try await lead.request(.queueList, QueueListRequest(owner: "me"), as: QueueListReply.self).items.map(\.caseInfo.id) == [secret.id])
            // The events a watcher refreshes on (PROTOCOL §22.4) never named the private case to bob.
            _ = try await Self.contact(bot, handle: "@quiet", text: "my SIM is blocked now")
            _ = try await bob.event("message.new") { $0.data?["card"]?["type"]?.string == "interaction" && $0.data?["card"]?["case"]?.string == quiet.caseId }
            #expect(await bob.pending("case.updated").allSatisfy { $0.data?["case"]?["id"]?.string != secret.id })
            #expect(await bob.pending("message.new").allSatisfy { $0.data?["card"]?["case"]?.string != secret.id })
            // The new contact's urgency word moved the quiet case up (stored when it arrived).
            let after = try await bob.request(.queueList, QueueListRequest(), as: QueueListReply.self)
            #expect(after.items.last?.why.contains("+12 urgent words: blocked") == true)

            // Solving leaves the queue.
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: loud.caseId, status: .solved), as: Case.self)
            _ = try await bob.event("case.updated") { $0.data?["case"]?["id"]?.string == loud.caseId && $0.data?["change"]?.string == "status" }
            #expect(try await bob.request(.queueList, QueueListRequest(), as: QueueListReply.self).items.map(\.caseInfo.id) == [quiet.caseId])
        }
    }

    @Test("bad input is bad_request: limit out of range, unknown owner, wrong types")
    func badInput() async throws {
        try await withServer { server in
            let anna = try await server.client("anna")
            #expect(try await anna.refusal(.queueList, QueueListRequest(limit: 0)) == .badRequest)
            #expect(try await anna.refusal(.queueList, QueueListRequest(limit: 201)) == .badRequest)
            #expect(try await anna.refusal(.queueList, QueueListRequest(owner: "bob")) == .badRequest)
            #expect(try await anna.refusal(.queueList, QueueListRequest(skill: " ")) == .badRequest)
            #expect(try await anna.refusal(.queueList, JSONValue.object(["limit": .string("ten")])) == .badRequest)
            #expect(try await anna.refusal(.queueNext, JSONValue.object(["channel": .number(3)])) == .badRequest)
            #expect(try await anna.refusal(.queueList, QueueListRequest(channel: "nope")) == .notFound)
        }
    }

    @Test("queue.next under concurrency: many agents at once, every case to exactly one of them, the rest get nothing")
    func nextConcurrent() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let (_, botToken) = try await server.store.createBot(name: "x-bot", scopes: ["case.interaction"], channels: ["support*"])
            let bot = try await TestClient.connect(url: server.url, token: botToken)
            var cases: Set<String> = []
            for i in 0..<6 { cases.insert(try await Self.contact(bot, handle: "@c\(i)", text: "problem \(i)").caseId) }
            var agents: [TestClient] = []
            for i in 0..<16 {
                let agent = try await server.client("agent\(i)")
                _ = try await agent.request(.channelJoin, ChannelRef(channel: "support"))
                agents.append(agent)
            }
            let got = try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for (i, agent) in agents.enumerated() {
                    group.addTask {
                        let reply = try await agent.request(.queueNext, QueueNextRequest(), as: QueueNextReply.self)
                        if let item = reply.item {
                            #expect(item.caseInfo.ownerName == "agent\(i)" && item.caseInfo.status == .open)
                        }
                        return ("agent\(i)", reply.item?.caseInfo.id)
                    }
                }
                var out: [(String, String?)] = []
                for try await r in group { out.append(r) }
                return out
            }
            let assigned = got.compactMap(\.1)
            #expect(assigned.count == 6)
            #expect(Set(assigned) == cases, "each case went to exactly one agent")
            let open = try await lead.request(.queueList, QueueListRequest(owner: "none"), as: QueueListReply.self)
            #expect(open.items.isEmpty)
        }
    }

    @Test("queue.next respects max_active_cases, channel membership and skill tags")
    func nextRules() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let (_, botToken) = try await server.store.createBot(name: "x-bot", scopes: ["case.interaction"], channels: ["support*"])
            let bot = try await TestClient.connect(url: server.url, token: botToken)
            let billing = try await Self.contact(bot, handle: "@b", text: "wrong invoice, refund please", isPublic: true)
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: billing.caseId, tags: ["billing"]), as: Case.self)
            let plain = try await Self.contact(bot, handle: "@p", text: "how do I change my address?")

            let outsider = try await server.client("olga")
            #expect(try await outsider.request(.queueNext, QueueNextRequest(), as: QueueNextReply.self).item == nil, "not a member of #support")
            let ugo = try await TestClient.connect(url: server.url, token: try await server.user("ugo", skills: ["italian"]))
            _ = try await server.user("bea", skills: ["billing"])
            _ = try await ugo.request(.channelJoin, ChannelRef(channel: "support"))
            // The billing case scores higher but needs the billing skill: ugo gets the plain one.
            let first = try await ugo.request(.queueNext, QueueNextRequest(), as: QueueNextReply.self)
            #expect(first.item?.caseInfo.id == plain.caseId)
            #expect(try await ugo.request(.queueNext, QueueNextRequest(), as: QueueNextReply.self).item == nil)

            let marketing = try await server.client("mia", role: .marketing)
            #expect(try await marketing.refusal(.queueNext, QueueNextRequest()) == .forbidden)

            // At the limit: conflict.
            let full = try await server.client("fred")
            _ = try await full.request(.channelJoin, ChannelRef(channel: "support"))
            try await server.store.backend.write { db in try db.execute("UPDATE users SET max_active_cases = 0 WHERE name = 'fred'") }
            #expect(try await full.refusal(.queueNext, QueueNextRequest()) == .conflict)
            _ = billing
        }
    }
}
