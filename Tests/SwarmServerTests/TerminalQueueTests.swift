import Foundation
import SwarmProtocol
import Testing

/// The triage queue in the real terminal client (tmux) and in `swarm queue`, against a live server.
@Suite("Terminal client and CLI: the triage queue", .hangGuard, .serialized)
struct TerminalQueueTests {
    struct Desk {
        var alice: String
        var loud: String
        var quiet: String
        var bot: TestClient
    }

    func setUp(_ server: TestServer) async throws -> Desk {
        let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
        let alice = try await server.user("alice", role: .agent)
        _ = try await lead.createChannel("support", members: ["alice"])
        let (_, botToken) = try await server.store.createBot(name: "x-bot", scopes: ["case.interaction"], channels: ["support*"])
        let bot = try await TestClient.connect(url: server.url, token: botToken)
        let quiet = try await QueueTests.contact(bot, handle: "@giulia", text: "how do I change my address?")
        let loud = try await QueueTests.contact(bot, handle: "@mario", text: "refund now, this is a scam", isPublic: true, reach: 48_000)
        return Desk(alice: alice, loud: loud.caseId, quiet: quiet.caseId, bot: bot)
    }

    @Test("/queue shows the live queue with why; n takes the next; a new case appears by itself; a digit opens a case",
          .enabled(if: TmuxSession.available))
    func queuePane() async throws {
        try await withServer { server in
            let desk = try await setUp(server)
            let client = try SwarmInTmux(url: server.url, token: desk.alice, width: 170, height: 40)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try await tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains("#support") }
                try tmux.type("/queue")
                let pane = try await tmux.waitFor("the queue pane") { $0.contains("── Queue") && $0.contains("1.   67  \(desk.loud)") }
                #expect(pane.contains("+30 public post · +24 urgent words: refund…, scam… · +13 reach 48k"))
                #expect(pane.contains("2.    0  \(desk.quiet)") && pane.contains("SLA in 23 h"))
                // Live: a new contact enters the pane without typing anything.
                let third = try await QueueTests.contact(desk.bot, handle: "@luca", text: "my account is blocked")
                try await tmux.waitFor("the new case in the pane") { $0.contains("12  \(third.caseId)") && $0.contains("+12 urgent words: blocked") }
                try tmux.press("n")
                try await tmux.waitFor("the taken case") { $0.contains("took \(desk.loud)") && $0.contains("@alice") }
                try tmux.press("2")
                try await tmux.waitFor("case 2's thread") { $0.contains("\(third.caseId)") && $0.contains("my account is blocked") }
                try tmux.type("/quit")
            }
        }
    }

    @Test("swarm queue prints the queue with why; --json the reply; swarm queue next takes; bad --limit is a usage error")
    func cliQueue() async throws {
        try await withServer { server in
            let desk = try await setUp(server)
            let cli = try CLI(server: server, token: desk.alice)
            let text = try await cli.run("queue")
            try text.expectSuccess()
            #expect(text.stdout.contains(" 1.   67  \(desk.loud)") && text.stdout.contains("+30 public post · +24 urgent words: refund…, scam…"))
            let json = try await cli.run("queue", "--json", "--limit", "5")
            try json.expectSuccess()
            let reply = try JSONDecoder().decode(QueueListReply.self, from: Data(json.stdout.utf8))
            #expect(reply.items.map(\.caseInfo.id) == [desk.loud, desk.quiet])
            let next = try await cli.run("queue", "next")
            try next.expectSuccess()
            #expect(next.stdout.contains("took \(desk.loud)"))
            let again = try await cli.run("queue", "next", "--json")
            try again.expectSuccess()
            #expect(try JSONDecoder().decode(QueueNextReply.self, from: Data(again.stdout.utf8)).item?.caseInfo.id == desk.quiet)
            #expect(try await cli.run("queue", "--limit", "0").status == 2)
        }
    }
}
