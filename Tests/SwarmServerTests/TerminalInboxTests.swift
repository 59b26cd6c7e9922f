import Foundation
import SwarmProtocol
import Testing

/// The inbox in the real terminal client (tmux) and in `swarm inbox`, against a live server.
@Suite("Terminal client and CLI: the inbox", .hangGuard, .serialized)
struct TerminalInboxTests {
    @Test("on start the client says what needs you; /inbox lists it", .enabled(if: TmuxSession.available))
    func startShowsInbox() async throws {
        try await withServer { server in
            let desk = try await InboxTests().setUp(server)
            let client = try SwarmInTmux(url: server.url, token: desk.anna, width: 160, height: 40)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try await tmux.waitFor("the inbox line") { $0.contains("inbox: 1 hand-off, 1 mention, 1 new case — /inbox") }
                try tmux.type("/inbox")
                let page = try await tmux.waitFor("the inbox page") { $0.contains("Handed to you:") && $0.contains("(/case take \(desk.supportCase))") }
                #expect(page.contains("(/case brief \(desk.vipCase))") && page.contains("#vip @lena: Handed off to @anna"))
                try tmux.type("/quit")
            }
        }
    }

    @Test("swarm inbox prints the summary and the items; --json the reply; bad --limit is a usage error")
    func cliInbox() async throws {
        try await withServer { server in
            let desk = try await InboxTests().setUp(server)
            let cli = try CLI(server: server, token: desk.anna)
            let text = try await cli.run("inbox")
            try text.expectSuccess()
            #expect(text.stdout.contains("inbox: 1 hand-off, 1 mention, 1 new case"))
            #expect(text.stdout.contains("#vip @lena: Handed off to @anna") && text.stdout.contains("(/case take \(desk.supportCase))"))
            let json = try await cli.run("inbox", "--json", "--limit", "5")
            try json.expectSuccess()
            let reply = try JSONDecoder().decode(InboxListReply.self, from: Data(json.stdout.utf8))
            #expect(reply.handoffs.map(\.caseInfo.id) == [desk.vipCase] && reply.newCases.map(\.id) == [desk.supportCase])
            #expect(try await cli.run("inbox", "--limit", "0").status == 2)
            let otto = try await CLI(server: server, token: desk.otto).run("inbox")
            try otto.expectSuccess()
            #expect(!otto.stdout.contains(desk.vipCase), "otto may not see the #vip case")
        }
    }
}
