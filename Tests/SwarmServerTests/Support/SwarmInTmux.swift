import Foundation
import Testing

/// The built `swarm` client in a tmux pane, logged in with a token, with a HOME of its own so the
/// machine's config never leaks in; `close()` stops tmux and removes that HOME.
final class SwarmInTmux: Sendable {
    let tmux: TmuxSession
    let home: URL
    /// A HOME passed in belongs to the test (to start a second client on the same config); only
    /// one made here is removed by `close()`.
    private let ownsHome: Bool

    /// `environment` adds to (or overrides) the client's variables, e.g. `NO_COLOR: ""` where the
    /// test runner's own environment may turn colours off.
    init(url: String, token: String, home given: URL? = nil, arguments: [String] = [], environment: [String: String] = [:], width: Int = 120, height: Int = 32) throws {
        home = given ?? FileManager.default.temporaryDirectory.appendingPathComponent("swarm-tmux-home-\(UUID().uuidString)")
        ownsHome = given == nil
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        do {
            // XDG_CONFIG_HOME too: the client keeps its outbox beside its config, never in the machine's.
            tmux = try TmuxSession(command: [try ChildServer.binary("swarm").path] + arguments,
                                   environment: ["SWARM_URL": url, "SWARM_TOKEN": token, "HOME": home.path, "XDG_CONFIG_HOME": home.path + "/.config",
                                                 "TERM": "xterm-256color"].merging(environment) { _, given in given },
                                   width: width, height: height)
        } catch {
            if ownsHome { try? FileManager.default.removeItem(at: home) }
            throw error
        }
    }

    /// Where the client keeps its unsent lines.
    var configDirectory: String { home.path + "/.config/swarm" }

    func close() {
        tmux.close()
        if ownsHome { try? FileManager.default.removeItem(at: home) }
    }
}

extension TmuxSession {
    /// Adds the terminal's screen to a failure, so a red run shows what the user saw.
    func showingScreen<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            Issue.record("screen at the failure:\n\(screen)")
            throw error
        }
    }
}

extension SwarmInTmux {
    /// The desk most terminal tests start from: lena (lead) made `channels` with alice and bob in
    /// them; alice's client runs in tmux, connected, with the first channel open; bob is a protocol
    /// client, to post and to see what alice sends.
    static func aliceAtTheDesk(_ server: TestServer, channels: [String] = ["support"], width: Int, height: Int) async throws -> (client: SwarmInTmux, bob: TestClient) {
        let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
        let aliceToken = try await server.user("alice", role: .agent)
        let bob = try await TestClient.connect(url: server.url, token: try await server.user("bob", role: .agent))
        for name in channels { _ = try await lead.createChannel(name, members: ["alice", "bob"]) }
        await lead.close()
        let client = try SwarmInTmux(url: server.url, token: aliceToken, width: width, height: height)
        let first = "#" + channels[0]
        do {
            try await client.tmux.showingScreen {
                try await client.tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains(first) }
                try client.tmux.type("/join \(first)")
                try await client.tmux.waitFor("the \(first) prompt") { $0.contains("\(first)>") }
            }
        } catch {
            client.close()
            throw error
        }
        return (client, bob)
    }
}
