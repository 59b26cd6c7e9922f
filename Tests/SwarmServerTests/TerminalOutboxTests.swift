import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

/// Unsent work in the real terminal client (tmux): Ctrl-C asks before quitting with unsent lines or
/// a draft, and what was queued is kept on disk and sent, exactly once, by the next run.
@Suite("Terminal client: unsent lines survive a quit (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalOutboxTests {
    @Test("Ctrl-C asks first; the queued line is kept on disk (0600) and sent once after a restart")
    func unsentLinesSurviveAQuit() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-outbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("swarm.sqlite").path
        let (aliceToken, bobToken) = try ChildServer.seedAliceAndBob(db: db)
        let home = dir.appendingPathComponent("home")

        // Restarted below on the same port, which the client reconnects to.
        var server = try await ChildServer.startForRestarts(db: db)
        let port = server.port
        defer { server.terminate() }
        let first = try SwarmInTmux(url: server.url, token: aliceToken, home: home)
        defer { first.close() }
        let tmux = first.tmux
        try await tmux.showingScreen {
            try await tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains("#general") }
            server.kill()
            try await tmux.waitFor("the reconnecting state") { $0.contains("reconnecting…") }
            try tmux.type("kept across a restart")
            try await tmux.waitFor("the queued line") { $0.contains("1 unsent") }

            // Ctrl-C with a queued line and a draft asks; anything but y keeps the client and the draft.
            try tmux.type("half-typed draft", enter: false)
            try tmux.press("C-c")
            try await tmux.waitFor("the question") { $0.contains("1 unsent message and a draft; quit anyway? y/N") }
            try tmux.press("n")
            try await tmux.waitFor("the draft back") { $0.contains("#general> half-typed draft") && !$0.contains("quit anyway") }
            try tmux.press("C-c")
            try await tmux.waitFor("the question again") { $0.contains("quit anyway? y/N") }
            try tmux.press("y")
            try await tmux.waitFor("the client to exit") { !$0.contains("#general>") }
        }

        // The queue is on disk, private to the user.
        let files = try FileManager.default.contentsOfDirectory(atPath: first.configDirectory).filter { $0.hasPrefix("outbox-") && $0.hasSuffix(".jsonl") }
        let file = first.configDirectory + "/" + (try #require(files.first))
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let queued = OutboxFile(path: file).load()
        #expect(queued.map(\.body) == ["kept across a restart"])

        // A line the server took before the client died (its reply lost) is in the queue too: its
        // idempotency key must keep the next run from posting it twice.
        server = try await ChildServer.start(db: db, port: port)
        let bob = try await TestClient.connect(url: server.url, token: bobToken)
        let alice = try await TestClient.connect(url: server.url, token: aliceToken)
        let delivered = try await alice.post("#general", "already delivered", key: "tui-reply-lost")
        await alice.close()
        try OutboxFile(path: file).save([.init(key: "tui-reply-lost", channel: delivered.channel, body: "already delivered", thread: nil)] + queued)

        let second = try SwarmInTmux(url: server.url, token: aliceToken, home: home)
        defer { second.close() }
        try await second.tmux.showingScreen {
            let sent = try await bob.event("message.new", seconds: 30) { $0.data?["body"]?.string == "kept across a restart" }
            #expect(sent.data?["author_name"]?.string == "alice")
            try await second.tmux.waitFor("the sent line, nothing unsent") { $0.contains("alice: kept across a restart") && $0.contains("live") && !$0.contains("unsent") }
        }
        let history = try await bob.request(.history, HistoryRequest(channel: "#general"), as: HistoryReply.self)
        #expect(history.messages.map(\.body) == ["already delivered", "kept across a restart"])
        #expect(!FileManager.default.fileExists(atPath: file), "an empty outbox leaves no file")
        try second.tmux.type("/quit")
    }
}
