import Foundation
import SwarmProtocol
import Testing

/// `swarm` with text piped in and no channel named: a usage error, never a post to whichever
/// channel the client happened to open first.
@Suite("swarm CLI: piped input", .hangGuard)
struct CLIPipeTests {
    @Test("piping into `swarm` exits 2 naming `swarm post`, and posts nothing")
    func pipedTextIsAUsageError() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            _ = try await alice.createChannel("support")
            _ = try await alice.post("#support", "first")
            let cli = try CLI(server: server, token: alice.token)

            let piped = try await cli.run([], stdin: "this was meant for another channel\n")
            #expect(piped.status == 2, "\(piped)")
            #expect(piped.stderr.contains("swarm post #channel -"), "\(piped.stderr)")

            // The same text through `swarm post`, so the history read below is known to be current.
            try await cli.run(["post", "#support", "-"], stdin: "named on purpose\n").expectSuccess()
            let history = try await alice.request(.history, HistoryRequest(channel: "#support", limit: 50), as: HistoryReply.self)
            #expect(history.messages.map(\.body) == ["first", "named on purpose"])
        }
    }
}
