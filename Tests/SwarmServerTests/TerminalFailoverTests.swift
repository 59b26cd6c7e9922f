import Foundation
import SwarmProtocol
import Testing

/// The real terminal client given two nodes (tmux): it shows which node it is on, and when that
/// node dies it carries on on the other one.
@Suite("Terminal client: several nodes (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalFailoverTests {
    @Test("swarm --url A,B: the status line names node A; A is killed, the client goes on live on B and misses nothing")
    func failsOverToTheOtherNode() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let a = "127.0.0.1:\(nodes.a.port)", b = "127.0.0.1:\(nodes.b.port)"
        let client = try SwarmInTmux(url: "\(nodes.a.url),\(nodes.b.url)", token: nodes.alice, width: 120, height: 24)
        defer { client.close() }
        let tmux = client.tmux
        let bob = try await TestClient.connect(url: nodes.b.url, token: nodes.bob)
        try await tmux.showingScreen {
            try await tmux.waitFor("live on node A") { $0.contains("live @ \(a)") && $0.contains("#general") }
            try tmux.type("/join #general")
            try await tmux.waitFor("the #general prompt") { $0.contains("#general>") }
            _ = try await bob.post("#general", "through the log from B")
            try await tmux.waitFor("bob's post, committed on B, shown on A") { $0.contains("through the log from B") }

            nodes.a.kill()
            // Posted while alice has no node: the resume on B replays it.
            _ = try await bob.post("#general", "while you were moving")
            try await tmux.waitFor("live on node B with the missed post") { $0.contains("live @ \(b)") && $0.contains("while you were moving") }
            try tmux.type("hello from node B")
            let ev = try await bob.event("message.new", seconds: 20) { $0.data?["body"]?.string == "hello from node B" }
            #expect(ev.data?["author_name"]?.string == "alice")
        }
        await bob.close()
    }
}
