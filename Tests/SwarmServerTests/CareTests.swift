import Foundation
import SwarmCore
import SwarmProtocol
import SwarmServer
import Testing

/// Issue 12 §6 over real sockets: redirects, personal-data warnings, CSAT and `reply.check`
/// (PROTOCOL §25), with their permissions, privacy and hostile input.
@Suite("Care: redirects, personal data, CSAT, tone", .hangGuard)
struct CareTests {
    static func tone(_ c: inout ServerConfig) {
        c.toneForbiddenPhrases = ["*:as I said", "it:si calmi"]
        c.toneAddress = ["it:formal"]
        c.toneMaxLength = 300
        c.toneSignaturePattern = "^— [A-Z][a-z]+, Acme Care$"
    }

    /// A case of a customer writing in Italian, opened by the lead in #support.
    static func italianCase(_ lead: TestClient, _ n: Int = 1) async throws -> Case {
        let customer = try await lead.request(.customerCreate, CustomerCreateRequest(name: "Maria \(n)", language: "it-IT"), as: Customer.self)
        return try await lead.request(.caseOpen, CaseOpenRequest(title: "Rimborso \(n)", customer: customer.id, channel: "#support"), as: Case.self)
    }

    @Test("a redirect is an outbound interaction with redirect_to: entry, card, first response, timeline")
    func redirect() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Parcel lost", identity: Identity(channel: .twitter, handle: "@maria"),
                                                                      channel: "#support", sourceChannel: .twitter), as: Case.self)
            #expect(c.sla.firstResponseAt == nil)
            let reply = try await lead.request(.caseInteraction, InteractionRequest(caseId: c.id, channel: .twitter, direction: .outbound,
                                                                                    text: "Please write to us by DM on WhatsApp", isPublic: true,
                                                                                    kind: "redirect", redirectTo: "whatsapp"), as: InteractionReply.self)
            #expect(reply.entry.kind == "interaction" && reply.entry.direction == .outbound && reply.entry.redirectTo == .whatsapp)
            #expect(reply.warnings == nil)
            let card = try await lead.event("message.new") { $0.data?["card"]?["type"]?.string == "interaction" }
            #expect(card.data?["card"]?["redirect_to"]?.string == "whatsapp")
            #expect(card.data?["body"]?.string?.contains("↪ redirected to whatsapp") == true)
            let after = try await lead.request(.caseGet, CaseRef(caseId: c.id), as: Case.self)
            #expect(after.sla.firstResponseAt == reply.entry.at, "a redirect is a response")
            let page = try await lead.request(.customerTimeline, CustomerTimelineRequest(customer: c.customer), as: TimelinePage.self)
            #expect(page.entries.last?.redirectTo == .whatsapp)
            // A plain contact has no redirect_to.
            let plain = try await lead.request(.caseInteraction, InteractionRequest(caseId: c.id, channel: .twitter, direction: .inbound, text: "ok"),
                                               as: InteractionReply.self)
            #expect(plain.entry.redirectTo == nil)
        }
    }

    @Test("redirect mistakes are bad_request and store nothing")
    func redirectMistakes() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "X", identity: Identity(channel: .email, handle: "a@b.it"), channel: "#support"),
                                           as: Case.self)
            func send(_ extra: [String: JSONValue]) async throws -> ServerFrame {
                var data: [String: JSONValue] = ["case": .string(c.id), "channel": .string("twitter"), "direction": .string("outbound"), "text": .string("DM us")]
                data.merge(extra) { $1 }
                return try await lead.conn.send("case.interaction", JSONValue.object(data))
            }
            for extra: [String: JSONValue] in [
                ["kind": .string("redirect")],
                ["redirect_to": .string("whatsapp")],
                ["kind": .string("contact"), "redirect_to": .string("whatsapp")],
                ["kind": .string("teleport"), "redirect_to": .string("whatsapp")],
                ["kind": .string("redirect"), "redirect_to": .string("pigeon")],
                ["kind": .string("redirect"), "redirect_to": .number(3)],
                ["kind": .number(1)],
                ["kind": .string("redirect"), "redirect_to": .string("whatsapp"), "direction": .string("inbound")],
            ] {
                let frame = try await send(extra)
                #expect(frame.error?.code == .badRequest, "\(extra)")
            }
            let page = try await lead.request(.customerTimeline, CustomerTimelineRequest(customer: c.customer), as: TimelinePage.self)
            #expect(!page.entries.contains { $0.kind == "interaction" })
        }
    }

    @Test("public texts with personal data get a warning and a card flag; private ones do not; nothing is refused")
    func personalData() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let who = Identity(channel: .twitter, handle: "@maria")
            let pub = try await lead.request(.caseInteraction, InteractionRequest(identity: who, channel: .twitter, direction: .inbound,
                                                                                  text: "Refund to IT60 X054 2811 1010 0000 0123 456 please, card 4111 1111 1111 1111",
                                                                                  isPublic: true), as: InteractionReply.self)
            #expect(pub.warnings == [ContactWarning(code: "personal_data", kinds: ["card", "iban"], suggestion: "redirect to a private channel")])
            let card = try await lead.event("message.new") { $0.data?["card"]?["type"]?.string == "interaction" }
            #expect(card.data?["card"]?["personal_data"] == .array([.string("card"), .string("iban")]))
            #expect(card.data?["body"]?.string?.contains("⚠ personal data (card, iban): Refund to") == true)
            // Our own public answer quoting an e-mail address is flagged as well.
            let out = try await lead.request(.caseInteraction, InteractionRequest(caseId: pub.caseId, channel: .twitter, direction: .outbound,
                                                                                  text: "We wrote to maria@example.com", isPublic: true), as: InteractionReply.self)
            #expect(out.warnings?.first?.kinds == ["email"])
            // The same text in a DM, or with no signal: no warning.
            let dm = try await lead.request(.caseInteraction, InteractionRequest(caseId: pub.caseId, channel: .twitter, direction: .inbound,
                                                                                 text: "card 4111 1111 1111 1111", isPublic: false), as: InteractionReply.self)
            #expect(dm.warnings == nil)
            let unsaid = try await lead.conn.send("case.interaction", InteractionRequest(caseId: pub.caseId, channel: .email, direction: .inbound,
                                                                                         text: "call +39 333 123 4567"))
            #expect(unsaid.ok == true && unsaid.data?["warnings"] == nil)
            let clean = try await lead.request(.caseInteraction, InteractionRequest(caseId: pub.caseId, channel: .twitter, direction: .inbound,
                                                                                    text: "Order 5512 of 2026-03-14 still missing", isPublic: true), as: InteractionReply.self)
            #expect(clean.warnings == nil)
        }
    }

    @Test("case.csat: a scoped bot and leads, once per solved or closed case; conflicts, ranges, agents refused")
    func csat() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let agent = try await server.client("anna", role: .agent)
            let (_, token) = try await server.store.createBot(name: "survey-bot", scopes: ["case.csat", "case.get"], channels: ["support"])
            let bot = try await TestClient.connect(url: server.url, token: token)
            let c = try await Self.italianCase(lead)
            #expect(try await bot.refusal(.caseCsat, CaseCSATRequest(caseId: c.id, score: 5)) == .conflict, "open case")
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: c.id, status: .solved), as: Case.self)
            for bad: JSONValue in [.number(0), .number(6), .number(4.5), .string("5"), .null] {
                let frame = try await bot.conn.send("case.csat", JSONValue.object(["case": .string(c.id), "score": bad]))
                #expect(frame.error?.code == .badRequest, "score \(bad)")
            }
            let long = try await bot.conn.send("case.csat", CaseCSATRequest(caseId: c.id, score: 4, comment: String(repeating: "x", count: 2001)))
            #expect(long.error?.code == .badRequest)
            #expect(try await agent.refusal(.caseCsat, CaseCSATRequest(caseId: c.id, score: 5)) == .forbidden)

            let rated = try await bot.request(.caseCsat, CaseCSATRequest(caseId: c.id, score: 4, comment: " Fast and kind "), as: Case.self)
            #expect(rated.csat?.score == 4 && rated.csat?.comment == "Fast and kind")
            let event = try await lead.event("case.updated") { $0.data?["change"]?.string == "csat" }
            #expect(event.data?["case"]?["csat"]?["score"] == .number(4))
            #expect(try await bot.refusal(.caseCsat, CaseCSATRequest(caseId: c.id, score: 1)) == .conflict, "second answer")
            let got = try await bot.request(.caseGet, CaseRef(caseId: c.id), as: Case.self)
            #expect(got.csat == rated.csat)
            let page = try await lead.request(.customerTimeline, CustomerTimelineRequest(customer: c.customer), as: TimelinePage.self)
            let entry = try #require(page.entries.last { $0.kind == "csat" })
            #expect(entry.text == "CSAT 4/5 — Fast and kind" && entry.data?["score"] == .number(4))

            // A lead may enter one for a closed case; a bot without the scope may not.
            let closed = try await Self.italianCase(lead, 2)
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: closed.id, status: .closed), as: Case.self)
            let (_, otherToken) = try await server.store.createBot(name: "other-bot", scopes: ["case.get"], channels: ["support"])
            let other = try await TestClient.connect(url: server.url, token: otherToken)
            #expect(try await other.refusal(.caseCsat, CaseCSATRequest(caseId: closed.id, score: 2)) == .forbidden)
            #expect(try await lead.request(.caseCsat, CaseCSATRequest(caseId: closed.id, score: 2), as: Case.self).csat?.score == 2)

            // Survey bridges may POST instead of holding a socket: same rule, same answers.
            let third = try await Self.italianCase(lead, 3)
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: third.id, status: .solved), as: Case.self)
            let port = server.server.port
            let posted = try await httpPost(port: port, "/v1/cases/csat", token: token, CaseCSATRequest(caseId: third.id, score: 5))
            #expect(posted.status == 200 && posted.json["data"]?["csat"]?["score"] == .number(5))
            let again = try await httpPost(port: port, "/v1/cases/csat", token: token, CaseCSATRequest(caseId: third.id, score: 5))
            #expect(again.status == 409 && again.json["error"]?["code"]?.string == "conflict")
        }
    }

    @Test("reply.check: rules in the customer's language, else the default; findings with spans")
    func replyCheck() async throws {
        try await withServer(configure: Self.tone) { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let agent = try await server.client("anna", role: .agent)
            let c = try await Self.italianCase(lead)
            let it = try await agent.request(.replyCheck, ReplyCheckRequest(caseId: c.id, text: "Si calmi, ti rimborsiamo domani."), as: ReplyCheckReply.self)
            #expect(it.language == "it")
            #expect(it.findings.map(\.rule) == ["forbidden_phrase", "address", "signature"])
            #expect(it.findings[0].span == TextSpan(start: 0, end: 8) && it.findings[1].span == TextSpan(start: 10, end: 12))
            let good = try await agent.request(.replyCheck, ReplyCheckRequest(caseId: c.id, text: "La rimborsiamo domani.\n— Anna, Acme Care"), as: ReplyCheckReply.self)
            #expect(good.findings.isEmpty)
            // No language on the customer: the default (en), where "ti" is not a word of any rule.
            let en = try await lead.request(.caseOpen, CaseOpenRequest(title: "Hi", identity: Identity(channel: .email, handle: "x@y.com"), channel: "#support"),
                                            as: Case.self)
            let check = try await agent.request(.replyCheck, ReplyCheckRequest(caseId: en.id, text: String(repeating: "ti ", count: 101) + "as I said"),
                                                as: ReplyCheckReply.self)
            #expect(check.language == "en" && check.findings.map(\.rule) == ["forbidden_phrase", "max_length", "signature"])
        }
    }

    @Test("privacy: a reader who may not see a private case is refused case.csat and reply.check; marketing too")
    func privacy() async throws {
        try await withServer(configure: Self.tone) { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await server.user("vera", role: .agent)
            _ = try await lead.createChannel("vip", kind: .private, members: ["vera"])
            let outsider = try await server.client("otto", role: .agent)
            let marketing = try await server.client("mia", role: .marketing)
            let (_, token) = try await server.store.createBot(name: "survey-bot", scopes: ["case.csat", "reply.check"], channels: ["support*"])
            let bot = try await TestClient.connect(url: server.url, token: token)
            let customer = try await lead.request(.customerCreate, CustomerCreateRequest(name: "Secret"), as: Customer.self)
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Private matter", customer: customer.id, channel: "#vip"), as: Case.self)
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: c.id, status: .solved), as: Case.self)
            for who in [outsider, marketing, bot] {
                let check = try await who.conn.send("reply.check", ReplyCheckRequest(caseId: c.id, text: "hello"))
                #expect(check.error?.code == .forbidden && check.data == nil)
                #expect(check.error?.message.contains("Private matter") == false)
                #expect(try await who.refusal(.caseCsat, CaseCSATRequest(caseId: c.id, score: 5)) == .forbidden)
            }
            let got = try await lead.request(.caseGet, CaseRef(caseId: c.id), as: Case.self)
            #expect(got.csat == nil, "nothing was recorded")
        }
    }

    @Test("hostile input to case.csat and reply.check is bad_request, never internal")
    func hostile() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let c = try await Self.italianCase(lead)
            let bodies: [(String, JSONValue)] = [
                ("reply.check", .object(["case": .string(c.id)])),
                ("reply.check", .object(["case": .string(c.id), "text": .string("   ")])),
                ("reply.check", .object(["case": .string(c.id), "text": .string(String(repeating: "a", count: 16_001))])),
                ("reply.check", .object(["case": .string(c.id), "text": .number(1)])),
                ("reply.check", .object(["case": .string("CU1"), "text": .string("hi")])),
                ("reply.check", .object(["case": .array([]), "text": .string("hi")])),
                ("reply.check", .string("nope")),
                ("case.csat", .object(["case": .string(c.id)])),
                ("case.csat", .object(["case": .string("CS99999999999999999999"), "score": .number(3)])),
                ("case.csat", .object(["case": .string(c.id), "score": .number(1e30)])),
                ("case.csat", .object(["case": .string(c.id), "score": .number(3), "comment": .number(7)])),
                ("case.csat", .object(["case": .bool(true), "score": .number(3)])),
            ]
            for (op, data) in bodies {
                let frame = try await lead.conn.send(op, data)
                #expect(frame.error?.code == .badRequest, "\(op) \(data)")
            }
            #expect(try await lead.refusal(.replyCheck, ReplyCheckRequest(caseId: "CS999", text: "hi")) == .notFound)
            #expect(try await lead.refusal(.caseCsat, CaseCSATRequest(caseId: "CS999", score: 3)) == .notFound)
        }
    }

    @Test("bad [tone] settings stop start-up with an error naming the key")
    func toneConfig() throws {
        for (toml, key) in [("[tone]\nforbidden_phrases = [\"no colon\"]\n", "tone.forbidden_phrases"),
                            ("[tone]\naddress = [\"it:polite\"]\n", "tone.address"),
                            ("[tone]\nsignature_pattern = \"([\"\n", "tone.signature_pattern"),
                            ("[tone]\nmax_length = -1\n", "tone.max_length"),
                            ("[tone]\ndefault_language = \"klingon\"\n", "tone.default_language")] {
            var c = ServerConfig()
            do {
                try c.apply(toml: toml, source: "t")
                Issue.record("\(key) should be refused")
            } catch {
                #expect("\(error)".contains(key), "\(error)")
            }
        }
        var ok = ServerConfig()
        try ok.apply(toml: "[tone]\naddress = [\"it:formal\", \"de:informal\"]\nforbidden_phrases = [\"*:as I said\"]\n", source: "t")
        #expect(ok.toneRules.address == ["it": .formal, "de": .informal])
    }
}
