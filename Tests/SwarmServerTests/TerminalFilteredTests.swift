import Foundation
import SwarmProtocol
import Testing

/// The filtered bin in the real terminal client (tmux) and in `swarm filtered`, against a live server.
@Suite("Terminal client and CLI: the filtered bin", .hangGuard, .serialized)
struct TerminalFilteredTests {
    /// A lead, an agent, two held contacts (FL1 by a link rule, FL2 by a phrase).
    static func setUp(_ server: TestServer) async throws -> (lead: String, agent: String) {
        let leadToken = try await server.user("lena", role: .lead)
        let lead = try await TestClient.connect(url: server.url, token: leadToken)
        _ = try await lead.createChannel("support")
        for (handle, text) in [("@promo", "FREE followers https://bit.ly/free-4u"), ("@gino", "pls follow back, my parcel is lost")] {
            _ = try await lead.request(.caseInteraction, InteractionRequest(identity: Identity(channel: .twitter, handle: handle), channel: .twitter,
                                                                           direction: .inbound, text: text))
        }
        return (leadToken, try await server.user("anna", role: .agent))
    }

    @Test("/filtered lists held contacts with their rule; restore opens the case; confirm keeps it; the case view shows topics",
          .enabled(if: TmuxSession.available))
    func slashFiltered() async throws {
        try await withServer(configure: { $0.noiseLinks = ["bit.ly/free"] }) { server in
            let (lead, _) = try await Self.setUp(server)
            let client = try SwarmInTmux(url: server.url, token: lead, width: 160, height: 40)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try await tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains("#support>") }
                try tmux.type("/filtered")
                let page = try await tmux.waitFor("the bin") { $0.contains("FL2 [filtered]") && $0.contains("— phrase:follow back") }
                #expect(page.contains("FL1 [filtered]") && page.contains("— link:bit.ly/free"))
                try tmux.type("/filtered restore FL2")
                try await tmux.waitFor("the restore") { $0.contains("restored FL2 into new case CS1") }
                try tmux.type("/filtered confirm FL1")
                try await tmux.waitFor("the confirmation") { $0.contains("confirmed FL1 as noise (link:bit.ly/free)") }
                try tmux.type("/filtered")
                try await tmux.waitFor("the empty bin") { $0.contains("filtered bin: empty") }
                try tmux.type("/case show CS1")
                try await tmux.waitFor("the case topics") { $0.contains("topics: delivery") }
                try tmux.type("/quit")
            }
        }
    }

    @Test("swarm filtered lists, restores and confirms; --json the replies; an agent is refused")
    func cliFiltered() async throws {
        try await withServer(configure: { $0.noiseLinks = ["bit.ly/free"] }) { server in
            let (lead, agent) = try await Self.setUp(server)
            let cli = try CLI(server: server, token: lead)
            let text = try await cli.run("filtered")
            try text.expectSuccess()
            #expect(text.stdout.contains("FL2 [filtered]") && text.stdout.contains("link:bit.ly/free"))
            let json = try await cli.run("filtered", "list", "--json", "--limit", "1")
            try json.expectSuccess()
            let reply = try JSONDecoder().decode(FilteredListReply.self, from: Data(json.stdout.utf8))
            #expect(reply.items.map(\.id) == ["FL2"] && reply.nextBefore == "FL2")
            let restored = try await cli.run("filtered", "restore", "FL1", "--json")
            try restored.expectSuccess()
            #expect(try JSONDecoder().decode(FilteredRestoreReply.self, from: Data(restored.stdout.utf8)).item.state == "restored")
            let confirmed = try await cli.run("filtered", "confirm", "FL2")
            try confirmed.expectSuccess()
            #expect(confirmed.stdout.contains("confirmed FL2 as noise"))
            #expect(try await cli.run("filtered", "--limit", "0").status == 2)
            let refused = try await CLI(server: server, token: agent).run("filtered")
            #expect(refused.status != 0 && refused.stderr.contains("leads and admins"))
        }
    }
}
