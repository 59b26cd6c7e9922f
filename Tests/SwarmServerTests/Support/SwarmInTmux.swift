import Foundation
import Testing

/// The built `swarm` client in a tmux pane, logged in with a token, with a HOME of its own so the
/// machine's config never leaks in; `close()` stops tmux and removes that HOME.
final class SwarmInTmux: Sendable {
    let tmux: TmuxSession
    let home: URL

    init(url: String, token: String, width: Int = 120, height: Int = 32) throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-tmux-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        do {
            tmux = try TmuxSession(command: [try ChildServer.binary("swarm").path],
                                   environment: ["SWARM_URL": url, "SWARM_TOKEN": token, "HOME": home.path, "TERM": "xterm-256color"],
                                   width: width, height: height)
        } catch {
            try? FileManager.default.removeItem(at: home)
            throw error
        }
    }

    func close() {
        tmux.close()
        try? FileManager.default.removeItem(at: home)
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
