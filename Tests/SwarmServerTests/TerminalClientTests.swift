import Foundation
import SwarmProtocol
import Testing

/// The built `swarm` client in a real terminal (tmux), against the real `swarmd` binary.
@Suite("Terminal client end to end (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalClientTests {
    @Test("log in, join, post, see others' messages, survive a server crash without losing a line")
    func chatAcrossACrash() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-tmux-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("swarm.sqlite").path
        let (aliceToken, bobToken) = try ChildServer.seedAliceAndBob(db: db, others: ["support"])

        // Restarted below on the same port, which the client reconnects to.
        var server = try await ChildServer.startForRestarts(db: db)
        let port = server.port
        let tmux = try TmuxSession(
            command: [try ChildServer.binary("swarm").path],
            environment: ["SWARM_URL": server.url, "SWARM_TOKEN": aliceToken, "HOME": dir.path, "TERM": "xterm-256color"],
            // Tall enough that the whole /help list leaves room for the messages that follow it.
            height: 40)
        defer {
            tmux.close()
            server.terminate()
        }

        // Logged in: the channel list and the live status line appear.
        try await tmux.waitFor("the client to connect") { $0.contains("live") && $0.contains("#general") }

        // Join a public channel by command, post into it.
        try tmux.type("/join #support")
        try await tmux.waitFor("the #support prompt") { $0.contains("#support>") }
        let bob = try await TestClient.connect(url: server.url, token: bobToken)
        _ = try await bob.request(.channelJoin, ChannelRef(channel: "#support"))
        try tmux.type("hello from the terminal")
        let fromAlice = try await tmux.showingScreen {
            try await bob.event("message.new") { $0.data?["body"]?.string == "hello from the terminal" }
        }
        #expect(fromAlice.data?["author_name"]?.string == "alice")

        // Another user's message appears on screen; Tab completes a command.
        let bobsPost = try await bob.post("#support", "hi alice, bob here")
        let bobLastSeq = try #require(try await bob.event("message.new") { $0.data?["id"]?.string == bobsPost.id }.seq)
        try await tmux.waitFor("bob's message") { $0.contains("bob: hi alice, bob here") }
        try tmux.type("/he", enter: false)
        try tmux.press("Tab")
        try await tmux.waitFor("completion of /help") { $0.contains("#support> /help") }
        try tmux.press("Enter")
        try await tmux.waitFor("the help text") { $0.contains("/join #channel") }

        // The server dies. The client shows it is reconnecting; a line typed now is queued.
        await bob.close()
        server.kill()
        try await tmux.waitFor("the reconnecting state") { $0.contains("reconnecting…") }
        try tmux.type("typed while the server was down")
        try await tmux.waitFor("the queued line") { $0.contains("1 unsent") }

        // The server comes back on the same port with the same database. Bob resumes from the
        // last event he saw, so he gets alice's queued line whether it lands before or after his.
        server = try await ChildServer.start(db: db, port: port)
        let bobAgain = try await TestClient.connect(url: server.url, token: bobToken, after: bobLastSeq)
        _ = try await bobAgain.post("#support", "posted while alice was away")
        let queued = try await tmux.showingScreen {
            try await bobAgain.event("message.new", seconds: 40) { $0.data?["body"]?.string == "typed while the server was down" }
        }
        #expect(queued.data?["author_name"]?.string == "alice")
        try await tmux.waitFor("the resumed session", seconds: 40) {
            $0.contains("bob: posted while alice was away") && $0.contains("live") && !$0.contains("unsent")
        }

        // Exactly once each, in the server's history.
        let history = try await bobAgain.request(.history, HistoryRequest(channel: "#support"), as: HistoryReply.self)
        let bodies = history.messages.map(\.body)
        #expect(bodies.filter { $0 == "typed while the server was down" }.count == 1)
        #expect(bodies.prefix(2) == ["hello from the terminal", "hi alice, bob here"])
        #expect(Set(bodies.dropFirst(2)) == ["posted while alice was away", "typed while the server was down"] && bodies.count == 4)
        try tmux.type("/quit")
    }

    @Test("SIGTERM leaves the alternate screen and gives the terminal back in cooked mode")
    func sigtermRestoresTheTerminal() async throws {
        try await withServer { server in
            let token = try await server.user("alice")
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-tmux-term-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let sttyFile = dir.appendingPathComponent("stty.txt").path
            // A shell runs the client, then records the terminal's modes once the client is gone.
            let tmux = try TmuxSession(command: ["/bin/sh", "-c", "\"$SWARM_BIN\"; stty -a > \"$STTY_OUT\"; echo client-gone; sleep 60"],
                                       environment: ["SWARM_BIN": try ChildServer.binary("swarm").path, "STTY_OUT": sttyFile, "SWARM_URL": server.url,
                                                     "SWARM_TOKEN": token, "HOME": dir.path, "TERM": "xterm-256color"])
            defer { tmux.close() }
            try await tmux.waitFor("the client to connect") { $0.contains("live") }
            let shell = try #require(Int32(tmux.tmux(["display-message", "-p", "-t", tmux.name, "#{pane_pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines)))
            let client = try #require(Int32(try runToEnd(URL(fileURLWithPath: "/usr/bin/pgrep"), ["-P", String(shell)]).output.split(separator: "\n").first ?? ""))
            kill(client, SIGTERM)
            try await tmux.waitFor("the shell after the client") { $0.contains("client-gone") && !$0.contains("live") }
            let modes = try String(contentsOfFile: sttyFile, encoding: .utf8)
            #expect(modes.contains(" icanon") && modes.contains(" echo "), "the terminal was left in raw mode: \(modes)")
        }
    }
}
