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

    init(url: String, token: String, home given: URL? = nil, width: Int = 120, height: Int = 32) throws {
        home = given ?? FileManager.default.temporaryDirectory.appendingPathComponent("swarm-tmux-home-\(UUID().uuidString)")
        ownsHome = given == nil
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        do {
            // XDG_CONFIG_HOME too: the client keeps its outbox beside its config, never in the machine's.
            tmux = try TmuxSession(command: [try ChildServer.binary("swarm").path],
                                   environment: ["SWARM_URL": url, "SWARM_TOKEN": token, "HOME": home.path, "XDG_CONFIG_HOME": home.path + "/.config",
                                                 "TERM": "xterm-256color"],
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
