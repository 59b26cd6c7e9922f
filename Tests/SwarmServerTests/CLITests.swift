import Foundation
import SwarmProtocol
import Testing

/// Runs the built `swarm` executable against an in-process server, as a user or a script would.
/// The binary is not a dependency of this target: `swift build` (all products) comes first.
@Suite("swarm CLI against a live server", .hangGuard)
struct CLITests {
    @Test("post, reply, history, search and channels, as text and as JSON")
    func postAndRead() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let channel = try await alice.createChannel("support")
            let cli = try CLI(server: server, token: alice.token)

            let posted = try await cli.run("post", "#support", "Customer 4411 wants a refund")
            try posted.expectSuccess()
            let rootId = posted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(rootId.hasPrefix("M"), "post prints the new message's id")

            let reply = try await cli.run("post", channel.id, "on it", "--thread", rootId, "--json")
            try reply.expectSuccess()
            let replied = try JSONDecoder().decode(Message.self, from: Data(reply.stdout.utf8))
            #expect(replied.thread == rootId)
            #expect(replied.authorName == "alice")

            // A retry with the same key returns the first message instead of posting again.
            let first = try await cli.run("post", "support", "retry me", "--idempotency-key", "k-1")
            let again = try await cli.run("post", "support", "retry me", "--idempotency-key", "k-1")
            #expect(first.status == 0 && again.status == 0)
            #expect(first.stdout == again.stdout)

            let history = try await cli.run("history", "#support", "--json")
            try history.expectSuccess()
            let page = try JSONDecoder().decode(HistoryReply.self, from: Data(history.stdout.utf8))
            #expect(page.messages.map(\.body) == ["Customer 4411 wants a refund", "on it", "retry me"])
            #expect(page.messages.first?.replyCount == 1)

            let paged = try await cli.run("history", "support", "--limit", "1", "--before", page.messages[2].id, "--json")
            #expect(try JSONDecoder().decode(HistoryReply.self, from: Data(paged.stdout.utf8)).messages.map(\.body) == ["on it"])

            let text = try await cli.run("history", "support")
            try text.expectSuccess()
            let lines = text.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3)
            #expect(lines[0].contains("\(rootId)  alice: Customer 4411 wants a refund [1 reply]"))
            #expect(lines[1].contains("↳ \(rootId) alice: on it"))
            #expect(lines.allSatisfy { $0.range(of: #"^\d\d:\d\d M\d+ "#, options: .regularExpression) != nil }, "\(lines)")

            let search = try await cli.run("search", "refund", "--json")
            try search.expectSuccess()
            let hits = try JSONDecoder().decode(SearchReply.self, from: Data(search.stdout.utf8))
            #expect(hits.results.map(\.message.id) == [rootId])
            let searchText = try await cli.run("search", "refund", "--channel", "#support")
            // The server's `**` highlight markers are for bold on a screen; text output drops them.
            #expect(searchText.stdout.contains("#support alice: Customer 4411 wants a refund") && !searchText.stdout.contains("**"), "\(searchText.stdout)")

            _ = try await server.client("bob").createChannel("elsewhere")
            let channels = try await cli.run("channels", "--json")
            try channels.expectSuccess()
            let list = try JSONDecoder().decode(ChannelListReply.self, from: Data(channels.stdout.utf8)).channels
            #expect(list.map(\.name) == ["elsewhere", "support"])
            #expect(list.map(\.member) == [false, true])
            let table = try await cli.run("channels")
            #expect(table.stdout.split(separator: "\n").first?.hasPrefix("ID") == true)
            #expect(table.stdout.contains("#support"))
        }
    }

    @Test("tail prints recent history, then follows only its channel's live events, and stops after --count")
    func tailFollows() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let cases = try await alice.createChannel("cases", members: ["bob"])
            let other = try await alice.createChannel("other", members: ["bob"])
            _ = try await alice.post(cases.id, "old 1")
            _ = try await alice.post(cases.id, "old 2")
            _ = try await alice.post(cases.id, "old 3")
            let cli = try CLI(server: server, token: alice.token)

            let tail = try cli.start("tail", "#cases", "-n", "2", "--count", "3", "--json")
            do {
                // Its history part, then the line that says it is live.
                var before: [JSONValue] = []
                while true {
                    let line = try await tail.nextLine(seconds: 20)
                    let object = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
                    if object["ev"]?.string == "ready" { break }
                    before.append(object)
                }
                #expect(before.map { $0["ev"]?.string } == ["history", "history"])
                #expect(before.map { $0["data"]?["body"]?.string } == ["old 2", "old 3"])

                let new = try await bob.post(cases.id, "new from bob")
                _ = try await bob.post(other.id, "not for this tail")
                _ = try await bob.post(cases.id, "second from bob", thread: new.id)
                _ = try await bob.request(.messageEdit, MessageEditRequest(message: new.id, body: "new from bob, edited"))
                let result = try await tail.wait(seconds: 20)
                try result.expectSuccess()

                let live = try result.remainingLines.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
                #expect(live.map { $0["ev"]?.string } == ["message.new", "message.new", "message.edited"])
                #expect(live.map { $0["data"]?["body"]?.string } == ["new from bob", "second from bob", "new from bob, edited"])
                let seqs = live.compactMap { $0["seq"]?.int }
                #expect(seqs.count == 3 && seqs == seqs.sorted())
            } catch {
                tail.terminate()
                throw error
            }

            // Resuming from a seq replays what happened after it, in the same format.
            let resumed = try await cli.run("tail", "cases", "--after", "0", "--count", "1")
            try resumed.expectSuccess()
            #expect(resumed.stdout.contains("alice: old 1"))
        }
    }

    @Test("a wrong or missing token exits 3 with the server's message")
    func badToken() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            _ = try await alice.createChannel("support")
            let wrong = try await CLI(server: server, token: "not-a-token").run("history", "#support")
            #expect(wrong.status == 3)
            #expect(wrong.stderr.contains("unknown or revoked token"), "\(wrong.stderr)")
            #expect(wrong.stdout.isEmpty)

            let none = try await CLI(server: server, token: nil).run("channels")
            #expect(none.status == 3)
            #expect(none.stderr.contains("swarm login"), "\(none.stderr)")
        }
    }

    @Test("unknown or forbidden channels exit 4; bad usage exits 2; no server exits 5")
    func failureStatuses() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let secret = try await alice.createChannel("secret", kind: .private)
            let cli = try CLI(server: server, token: bob.token)

            for args in [["history", "#nope"], ["post", "#nope", "hello"], ["tail", "#nope", "--count", "1"], ["search", "x", "--channel", "nope"]] {
                let result = try await cli.run(args)
                #expect(result.status == 4, "\(args): \(result)")
                #expect(result.stderr.contains("no such channel"), "\(args): \(result.stderr)")
            }
            let forbidden = try await cli.run("history", secret.id)
            #expect(forbidden.status == 4)
            #expect(forbidden.stderr.contains("not a member"), "\(forbidden.stderr)")

            #expect(try await cli.run("post", "#support").status == 2, "missing TEXT")
            #expect(try await cli.run("tail", "x", "--count", "0").status == 2)
            #expect(try await cli.run("history", "x", "--url", "http://example.com").status == 2)
            #expect(try await cli.run("history", "#nope", "--limit", "100000").status == 2, "bad_request from the server")
            let help = try await cli.run("tail", "--help")
            #expect(help.status == 0 && help.stdout.contains("--count"))

            // Port 1 on loopback: nothing listens there.
            let offline = try await cli.run("channels", "--url", "ws://127.0.0.1:1/v1/ws")
            #expect(offline.status == 5, "\(offline)")
            #expect(offline.stderr.contains("cannot connect"), "\(offline.stderr)")
        }
    }

    @Test("login checks the token, writes a 0600 config, and later commands use it")
    func login() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            _ = try await alice.createChannel("support")
            let cli = try CLI(server: server, token: nil)
            let path = cli.home + "/.config/swarm/config.toml"

            let refused = try await cli.run("login", "--url", server.url, "--token", "wrong")
            #expect(refused.status == 3)
            #expect(!FileManager.default.fileExists(atPath: path), "nothing is saved for a refused token")

            let ok = try await cli.run("login", "--url", server.url, "--token", alice.token)
            try ok.expectSuccess()
            #expect(ok.stdout.contains("as alice"))
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let saved = try String(contentsOfFile: path, encoding: .utf8)
            #expect(saved.contains("token = \"\(alice.token)\""))
            #expect(saved.contains("url = \"\(server.url)\""))

            // No --url, --token or SWARM_*: everything comes from the file.
            let channels = try await cli.run(["channels", "--json"], passURL: false)
            try channels.expectSuccess()
            #expect(channels.stdout.contains("\"support\""))

            // XDG_CONFIG_HOME wins over HOME.
            let xdg = cli.home + "/xdg"
            let other = try await cli.run(["login", "--url", server.url, "--token", alice.token], passURL: false, environment: ["XDG_CONFIG_HOME": xdg])
            try other.expectSuccess()
            let xdgAttributes = try FileManager.default.attributesOfItem(atPath: xdg + "/swarm/config.toml")
            #expect((xdgAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

            // token_file: the token kept in a file of its own.
            let tokenFile = cli.home + "/alice.token"
            try (alice.token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
            try "url = \"\(server.url)\"\ntoken_file = \"\(tokenFile)\"\ncolor = \"never\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            let viaFile = try await cli.run(["channels", "--json"], passURL: false)
            try viaFile.expectSuccess()
            #expect(viaFile.stdout.contains("\"support\""))
        }
    }
}

@Suite("swarm case against a live server", .hangGuard)
struct CLICaseTests {
    @Test("open, link, fact, status, list and brief as JSON and as text; exit codes for refusals")
    func caseCommands() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let cli = try CLI(server: server, token: try await server.user("alice", role: .agent))

            let opened = try await cli.run("case", "open", "Refund for order 5512 missing", "--channel", "#support", "--identity", "whatsapp:+39 333 1234567",
                                           "--name", "Maria Rossi", "--priority", "high", "--ticket", "zendesk:ZD-881", "--tags", "refund", "--json")
            try opened.expectSuccess()
            let c = try JSONDecoder().decode(Case.self, from: Data(opened.stdout.utf8))
            #expect(c.priority == .high && c.tickets.map(\.key) == ["ZD-881"] && c.tags == ["refund"] && c.customerName == "Maria Rossi")

            try await cli.run("case", "fact", c.id, "order_number", "5512", "--source", "whatsapp").expectSuccess()
            try await cli.run("case", "link", c.id, "jira", "PAY-42").expectSuccess()
            let moved = try await cli.run("case", "status", c.id, "pending")
            try moved.expectSuccess()
            #expect(moved.stdout.contains("\(c.id) [pending, high] Refund for order 5512 missing"))

            let list = try await cli.run("case", "list", "--owner", "me", "--json")
            try list.expectSuccess()
            #expect(try JSONDecoder().decode(CaseListReply.self, from: Data(list.stdout.utf8)).cases.map(\.id) == [c.id])

            let brief = try await cli.run("case", "brief", c.id, "--json")
            try brief.expectSuccess()
            let parsed = try JSONDecoder().decode(CaseBrief.self, from: Data(brief.stdout.utf8))
            #expect(parsed.facts.map(\.value) == ["5512"] && parsed.caseInfo.tickets.count == 2)
            let page = try await cli.run("case", "brief", c.id)
            try page.expectSuccess()
            #expect(page.stdout.contains("Customer: Maria Rossi") && page.stdout.contains("order_number: 5512") && page.stdout.contains("zendesk ZD-881"))

            // A hand-off without a real note is a usage-class refusal (2); an unknown case is 4.
            #expect(try await cli.run("case", "handoff", c.id, "@lena", "over").status == 2)
            #expect(try await cli.run("case", "show", "CS999").status == 4)
        }
    }
}

@Suite("swarm kb against a live server", .hangGuard)
struct CLIKBTests {
    @Test("create, approve, search (JSON and text), show, share into a case, solved once")
    func kbCommands() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            let agent = try CLI(server: server, token: try await server.user("alice", role: .agent))
            _ = try await lead.createChannel("support", members: ["alice"])
            let editor = try CLI(server: server, token: lead.token)

            let created = try await agent.run("kb", "create", "Perché il rimborso è in ritardo", "Il rimborso richiede fino a dieci giorni.", "--tags", "rimborso", "--language", "it")
            try created.expectSuccess()
            let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try await agent.run("kb", "approve", id).status == 4, "only editors approve")
            try await editor.run("kb", "approve", id).expectSuccess()

            let found = try await agent.run("kb", "search", "perche rimb", "--json")
            try found.expectSuccess()
            let reply = try JSONDecoder().decode(KBSearchReply.self, from: Data(found.stdout.utf8))
            #expect(reply.results.map(\.id) == [id])
            let text = try await agent.run("kb", "search", "ritardo")
            #expect(text.stdout.contains("\(id) Perché il rimborso è in ritardo") && !text.stdout.contains("**"), "\(text.stdout)")
            let shown = try await agent.run("kb", "show", id)
            #expect(shown.stdout.contains("── \(id) v1 [approved, internal, it]") && shown.stdout.contains("dieci giorni"))

            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Rimborso", identity: Identity(channel: .phone, handle: "+39 02 1234"), channel: "#support"), as: Case.self)
            try await agent.run("kb", "share", id, c.id, "--comment", "vedi qui").expectSuccess()
            let once = try await agent.run("kb", "solved", id, c.id)
            let twice = try await agent.run("kb", "solved", id, c.id)
            #expect(once.stdout.contains("recorded: solved 1") && twice.stdout.contains("already recorded: solved 1"))
        }
    }
}
