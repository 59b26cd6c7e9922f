import Foundation
import SwarmProtocol
import SwarmStore
import Testing

/// Bots from the outside: the HTTP endpoints, `swarmd admin bot add`, and the two example bots
/// under examples/ built and run against a live server.
@Suite("Bots: HTTP endpoints, admin command and the example bots", .hangGuard)
struct BotExamplesTests {
    /// A lead watching #support (the intake channel), and a bot scoped to the two bot ops there.
    static func team(_ server: TestServer) async throws -> (lead: TestClient, botToken: String) {
        let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
        _ = try await lead.createChannel("support")
        let (_, token) = try await server.store.createBot(name: "helpdesk", scopes: ["case.interaction", "case.link_ticket"], channels: ["support*"])
        return (lead, token)
    }

    /// Every interaction (by external id) on the timeline of the customer reachable by `identity`.
    static func interactions(_ lead: TestClient, _ identity: Identity) async throws -> (customer: Customer, externalIds: [String]) {
        let found = try await lead.request(.customerFind, CustomerFindRequest(identity: identity), as: CustomerFindReply.self)
        let customer = try #require(found.customers.first, "no customer for \(identity.channel.rawValue) \(identity.handle)")
        let page = try await lead.request(.customerTimeline, CustomerTimelineRequest(customer: customer.id, limit: 500), as: TimelinePage.self)
        return (customer, page.entries.filter { $0.kind == "interaction" }.compactMap(\.externalId))
    }

    @Test("POST /v1/cases/interactions and /link-ticket: ok, duplicate, fan-out, and every refusal with its status")
    func httpEndpoints() async throws {
        try await withServer(configure: { $0.maxFrameBytes = 1024 }) { server in
            let (lead, token) = try await Self.team(server)
            let port = server.server.port
            let contact = InteractionRequest(identity: Identity(channel: .email, handle: "ada@example.com"), customerName: "Ada Lovelace", channel: .email,
                                             direction: .inbound, text: "My invoice shows the wrong VAT number", externalId: "mail-1")

            let first = try await httpPost(port: port, "/v1/cases/interactions", token: token, contact)
            #expect(first.status == 200 && first.ok, "\(first.json)")
            let reply = try (first.data ?? .null).decode(InteractionReply.self)
            #expect(reply.openedCase && !reply.duplicate)
            // The socket side sees it exactly as if the bot had used the WebSocket.
            let card = try await lead.event("message.new") { $0.data?["card"]?["type"]?.string == "interaction" }
            #expect(card.data?["thread"]?.string == reply.thread)
            #expect(card.data?["card"]?["case"]?.string == reply.caseId)

            let again = try await httpPost(port: port, "/v1/cases/interactions", token: token, contact)
            let dup = try (again.data ?? .null).decode(InteractionReply.self)
            #expect(again.status == 200 && dup.duplicate && dup.caseId == reply.caseId && dup.entry.id == reply.entry.id)

            let linked = try await httpPost(port: port, "/v1/cases/link-ticket", token: token,
                                            CaseTicketRequest(caseId: reply.caseId, system: "zendesk", key: "ZD-7", url: "https://acme.zendesk.com/agent/tickets/7"))
            #expect(linked.status == 200, "\(linked.json)")
            #expect(try (linked.data ?? .null).decode(Case.self).tickets.map(\.key) == ["ZD-7"])
            try await lead.event("case.updated") { $0.data?["change"]?.string == "ticket_linked" }

            // 401: a wrong token, and no token at all.
            for bad in ["not-a-token", nil] as [String?] {
                let refused = try await httpPost(port: port, "/v1/cases/interactions", token: bad, contact)
                #expect(refused.status == 401 && refused.errorCode == "unauthorized" && !refused.ok)
            }
            // 403: an op outside the token's scopes, and a channel outside its patterns.
            let (_, noTickets) = try await server.store.createBot(name: "notes-only", scopes: ["case.interaction"], channels: ["support*"])
            let outOfScope = try await httpPost(port: port, "/v1/cases/link-ticket", token: noTickets,
                                                CaseTicketRequest(caseId: reply.caseId, system: "zendesk", key: "ZD-8"))
            #expect(outOfScope.status == 403 && outOfScope.errorCode == "forbidden", "\(outOfScope.json)")
            let (_, billingOnly) = try await server.store.createBot(name: "billing-bot", scopes: ["case.interaction"], channels: ["billing-*"])
            let otherChannel = try await httpPost(port: port, "/v1/cases/interactions", token: billingOnly,
                                                  InteractionRequest(identity: Identity(channel: .phone, handle: "+44 20 7946 0000"), channel: .phone,
                                                                     direction: .inbound, text: "Call about a refund", externalId: "call-1"))
            #expect(otherChannel.status == 403 && otherChannel.errorMessage.contains("#support"), "\(otherChannel.json)")
            // 404: a case that does not exist.
            let missing = try await httpPost(port: port, "/v1/cases/link-ticket", token: token, CaseTicketRequest(caseId: "CS999", system: "zendesk", key: "ZD-9"))
            #expect(missing.status == 404 && missing.errorCode == "not_found", "\(missing.json)")
            // 400: not JSON, and JSON without a required field; the message names the problem.
            let garbage = try await httpPost(port: port, "/v1/cases/interactions", token: token, body: Data("{\"identity\": ".utf8))
            #expect(garbage.status == 400 && garbage.errorCode == "bad_request" && garbage.errorMessage.contains("not valid JSON"), "\(garbage.json)")
            let noText = try await httpPost(port: port, "/v1/cases/interactions", token: token,
                                            body: Data(#"{"identity": {"channel": "email", "handle": "a@example.com"}, "channel": "email", "direction": "inbound"}"#.utf8))
            #expect(noText.status == 400 && noText.errorMessage.contains("text"), "\(noText.json)")
            // 413: a body over server.max_frame_bytes.
            let big = InteractionRequest(caseId: reply.caseId, channel: .email, direction: .inbound, text: String(repeating: "x", count: 2000))
            let tooBig = try await httpPost(port: port, "/v1/cases/interactions", token: token, big)
            #expect(tooBig.status == 413 && tooBig.errorCode == "too_large", "\(tooBig.json)")

            // Nothing refused left a trace: still one case, one interaction.
            let cases = try await lead.request(.caseList, CaseListRequest(), as: CaseListReply.self)
            #expect(cases.cases.map(\.id) == [reply.caseId])
            #expect(try await Self.interactions(lead, Identity(channel: .email, handle: "ada@example.com")).externalIds == ["mail-1"])
        }
    }

    @Test("a token flooding the HTTP endpoint gets 429 rate_limited; other tokens are not affected")
    func httpRateLimit() async throws {
        // A burst of 3 that never refills (rate 0, below what the config file accepts), so the
        // outcome does not depend on how fast this machine sends the requests.
        try await withServer(configure: { $0.opsPerSecond = 0; $0.opsBurst = 3 }) { server in
            let (_, token) = try await Self.team(server)
            let (_, other) = try await server.store.createBot(name: "other-bot", scopes: ["case.interaction"], channels: ["support*"])
            let port = server.server.port
            func contact(_ n: Int) -> InteractionRequest {
                InteractionRequest(identity: Identity(channel: .app, handle: "user-\(n)"), channel: .app, direction: .inbound, text: "hello \(n)", externalId: "app-\(n)")
            }
            var statuses: [Int] = []
            for n in 0..<6 { statuses.append(try await httpPost(port: port, "/v1/cases/interactions", token: token, contact(n)).status) }
            #expect(statuses == [200, 200, 200, 429, 429, 429])
            let limited = try await httpPost(port: port, "/v1/cases/interactions", token: token, contact(99))
            #expect(limited.status == 429 && limited.errorCode == "rate_limited")
            let fine = try await httpPost(port: port, "/v1/cases/interactions", token: other, contact(100))
            #expect(fine.status == 200, "another token has its own allowance")
        }
    }

    @Test("swarmd admin bot add prints a token scoped to its ops")
    func adminBotAdd() async throws {
        try await withServer { server in
            let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
            _ = try await lead.createChannel("support")
            let db = server.config.databasePath
            let add = try ChildServer.run(["admin", "bot", "add", "zendesk-bot", "--scopes", "case.interaction,case.link_ticket", "--channels", "support*", "--db", db])
            #expect(add.status == 0, "\(add.output)")
            let token = try #require(add.output.split(separator: "\n").first { $0.hasPrefix("token: ") }.map { String($0.dropFirst(7)) }, "\(add.output)")

            let bot = try await TestClient.connect(url: server.url, token: token)
            let opened = try await bot.request(.caseInteraction, InteractionRequest(identity: Identity(channel: .webchat, handle: "visitor-81"), channel: .webchat,
                                                                                 direction: .inbound, text: "Is the store open on Sunday?", externalId: "chat-81"),
                                               as: InteractionReply.self)
            #expect(opened.openedCase)
            #expect(try await bot.refusal(.caseNote, CaseNoteRequest(caseId: opened.caseId, text: "bots may not write notes")) == .forbidden)
            // Scopes a bot may never hold are refused before anything is created.
            let bad = try ChildServer.run(["admin", "bot", "add", "rogue", "--scopes", "message.delete", "--db", db])
            #expect(bad.status != 0)
            #expect(try await server.store.listUsers().map(\.name).contains("rogue") == false)
        }
    }

    @Test("the C bot (libwebsockets) builds and posts an interaction", .enabled(if: BotTools.have("cc", "make", "pkg-config")))
    func cBot() async throws {
        let out = try BotTools.temporaryDirectory("swarm-c-bot")
        defer { try? FileManager.default.removeItem(at: out) }
        let build = try await BotTools.run("make", ["-C", BotTools.example("c-bot"), "OUT=\(out.path)"], seconds: 120)
        try #require(build.status == 0, "building examples/c-bot failed (needs libwebsockets-dev and pkg-config):\n\(build)")
        let bot = out.appendingPathComponent("post_interaction").path

        try await withServer { server in
            let (lead, token) = try await Self.team(server)
            // Quotes, a backslash and non-ASCII text must survive the C side's JSON escaping.
            let text = #"Parcel 88 says "delivered" but it's not here \ Paket nicht angekommen — ça va?"#
            let args = ["-u", server.url, "-t", token, "-n", "Jürgen Weiß", "email", "juergen@example.de", text, "mail-88"]
            let run = try await BotTools.run(bot, args, seconds: 60)
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains(#""ok":true"#) && run.stdout.contains(#""opened_case":true"#), "\(run)")
            try await lead.event("message.new") { $0.data?["card"]?["type"]?.string == "interaction" }

            let (customer, ids) = try await Self.interactions(lead, Identity(channel: .email, handle: "juergen@example.de"))
            #expect(customer.name == "Jürgen Weiß" && ids == ["mail-88"])
            let page = try await lead.request(.customerTimeline, CustomerTimelineRequest(customer: customer.id), as: TimelinePage.self)
            #expect(page.entries.contains { $0.text == text })

            // The same contact again is a duplicate (still exit 0); a bad token exits 1.
            let again = try await BotTools.run(bot, args, seconds: 60)
            #expect(again.status == 0 && again.stdout.contains(#""duplicate":true"#), "\(again)")
            var refused = args
            refused[3] = "wrong-token"
            #expect(try await BotTools.run(bot, refused, seconds: 60).status == 1)
        }
    }

    @Test("the Python bot replays a contact file into cases; a second run only finds duplicates", .enabled(if: BotTools.have("python3")))
    func pythonBot() async throws {
        let probe = try await BotTools.run("python3", ["-c", "import websockets"])
        try #require(probe.status == 0, "the Python bot needs the websockets package: python3 -m pip install websockets\n\(probe)")
        let file = BotTools.example("python-bot/contacts.jsonl")
        let contacts = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        let script = BotTools.example("python-bot/replay_contacts.py")

        try await withServer { server in
            let (lead, token) = try await Self.team(server)
            let first = try await BotTools.run("python3", [script, "--url", server.url, "--token", token, file])
            #expect(first.status == 0, "\(first)")
            let replies = first.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }.filter { $0[1] != "linked" }
            #expect(replies.count == contacts.count, "\(first)")
            #expect(replies.filter { $0[1] == "opened" }.count == 2, "two customers, two cases: \(first)")
            #expect(!replies.contains { $0[1] == "duplicate" })

            // Every contact is on its customer's timeline; Maria's three channels are one profile.
            let maria = try await Self.interactions(lead, Identity(channel: .whatsapp, handle: "+39 333 123 4567"))
            let tom = try await Self.interactions(lead, Identity(channel: .phone, handle: "+49 30 901820"))
            let expected = Set(contacts.compactMap { $0["external_id"]?.string })
            #expect(Set(maria.externalIds + tom.externalIds) == expected)
            #expect(maria.externalIds.count + tom.externalIds.count == contacts.count)
            #expect(Set(maria.customer.identities.map(\.channel)) == [.whatsapp, .email, .twitter])
            let cases = try await lead.request(.caseList, CaseListRequest(), as: CaseListReply.self)
            #expect(cases.cases.count == 2)

            let second = try await BotTools.run("python3", [script, "--url", server.url, "--token", token, file])
            #expect(second.status == 0, "\(second)")
            let rerun = second.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            #expect(rerun.count == contacts.count && rerun.allSatisfy { $0[1] == "duplicate" }, "\(second)")
            #expect(try await lead.request(.caseList, CaseListRequest(), as: CaseListReply.self).cases.count == 2)
            #expect(try await Self.interactions(lead, Identity(channel: .whatsapp, handle: "+39 333 123 4567")).externalIds == maria.externalIds)

            // An error reply makes the bot exit non-zero.
            let refused = try await BotTools.run("python3", [script, "--url", server.url, "--token", "wrong-token", file])
            #expect(refused.status == 1, "\(refused)")
        }
    }
}
