import Foundation
import SwarmClient
import SwarmProtocol
import SwarmServer
import Testing

/// The clients' side of several nodes (PROTOCOL §27): a URL list, failover to the next node, and a
/// resume there from the last seq seen.
@Suite("Clients with several nodes", .hangGuard, .serialized)
struct NodesClientTests {
    @Test("a URL list: repeated and comma-separated, trimmed, in order; labels name host and port")
    func nodeList() throws {
        let list = try #require(NodeList(["ws://a:7420/v1/ws, ws://b:7421/v1/ws", "ws://c/v1/ws", " ", ""]))
        #expect(list.urls == ["ws://a:7420/v1/ws", "ws://b:7421/v1/ws", "ws://c/v1/ws"])
        var l = list
        #expect(l.label == "a:7420")
        l.advance(); l.advance()
        #expect(l.label == "c")
        l.advance()
        #expect(l.current == "ws://a:7420/v1/ws")
        #expect(NodeList([" , "]) == nil)
    }

    @Test("cluster.poll_ms: a bad value stops the start naming the key")
    func pollSetting() throws {
        var c = ServerConfig()
        try c.apply(toml: "[cluster]\npoll_ms = 40\n", source: "t")
        #expect(c.clusterPollMilliseconds == 40)
        for bad in ["[cluster]\npoll_ms = 0\n", "[cluster]\npoll_ms = \"fast\"\n", "[cluster]\npoll_ms = 60001\n", "[cluster]\npoll = 5\n"] {
            #expect { try c.apply(toml: bad, source: "t") } throws: { "\($0)".contains("cluster.poll") }
        }
        #expect { try c.apply(environment: ["SWARM_CLUSTER_POLL_MS": "soon"]) } throws: { "\($0)".contains("SWARM_CLUSTER_POLL_MS") }
    }

    @Test("cluster.notify and cluster.notify_poll_ms: read, and a bad value stops the start naming the key")
    func notifySettings() throws {
        var c = ServerConfig()
        try c.apply(toml: "[cluster]\nnotify = false\nnotify_poll_ms = 5000\n", source: "t")
        #expect(c.clusterNotify == false && c.clusterNotifyPollMilliseconds == 5000)
        for bad in ["[cluster]\nnotify = 1\n", "[cluster]\nnotify = \"yes\"\n", "[cluster]\nnotify_poll_ms = 0\n", "[cluster]\nnotify_poll_ms = 600001\n"] {
            #expect { try c.apply(toml: bad, source: "t") } throws: { "\($0)".contains("cluster.notify") }
        }
        #expect { try c.apply(environment: ["SWARM_CLUSTER_NOTIFY": "maybe"]) } throws: { "\($0)".contains("SWARM_CLUSTER_NOTIFY") }
    }

    @Test("cluster.heartbeat_ms and cluster.node_timeout_ms: read, bounds, and a timeout under two heartbeats refused")
    func heartbeatSettings() throws {
        var c = ServerConfig()
        try c.apply(toml: "[cluster]\nheartbeat_ms = 250\nnode_timeout_ms = 2000\n", source: "t")
        #expect(c.clusterHeartbeatMilliseconds == 250 && c.clusterNodeTimeoutMilliseconds == 2000)
        try c.validate()
        for bad in ["[cluster]\nheartbeat_ms = 10\n", "[cluster]\nheartbeat_ms = 60001\n", "[cluster]\nnode_timeout_ms = 100\n", "[cluster]\nnode_timeout_ms = \"5s\"\n"] {
            #expect { try c.apply(toml: bad, source: "t") } throws: { "\($0)".contains("cluster.") }
        }
        try c.apply(environment: ["SWARM_CLUSTER_HEARTBEAT_MS": "1500"])
        #expect { try c.validate() } throws: { "\($0)".contains("cluster.node_timeout_ms") }
    }

    @Test("swarm tail --url A,B: A is killed, tail resumes on B with no event lost or repeated")
    func tailFailsOver() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        let alice = try await TestClient.connect(url: nodes.b.url, token: nodes.alice)
        let cli = try CLI(url: "\(nodes.a.url),\(nodes.b.url)", token: nodes.bob)
        let tail = try cli.start("tail", "#general", "-n", "0", "--count", "6", "--json")
        do {
            let first = try JSONDecoder().decode(JSONValue.self, from: Data(try await tail.nextLine(seconds: 20).utf8))
            #expect(first["ev"]?.string == "ready")
            // Posted on B, delivered to the tail on A through the shared log.
            for i in 0..<3 { _ = try await alice.post("#general", "before \(i)") }
            for _ in 0..<3 { _ = try await tail.nextLine(seconds: 20) }
            nodes.a.kill()
            // Committed while the tail has no node: the resume on B replays them.
            for i in 0..<3 { _ = try await alice.post("#general", "after \(i)") }
            let result = try await tail.wait(seconds: 30)
            try result.expectSuccess()
            let lines = try result.remainingLines.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
            let messages = lines.filter { $0["ev"]?.string == "message.new" }
            #expect(messages.map { $0["data"]?["body"]?.string } == ["after 0", "after 1", "after 2"])
            // The resume on B may reach --count within its replay, before its `ready`.
            #expect(lines.allSatisfy { ["message.new", "ready"].contains($0["ev"]?.string) }, "\(lines)")
            #expect(result.stderr.contains("resuming on the next node"))
        } catch {
            tail.terminate()
            throw error
        }
        await alice.close()
    }

    @Test("swarm post --url DEAD,B: the unreachable node is skipped")
    func commandSkipsDeadNode() async throws {
        let nodes = try await TwoNodes.start()
        defer { nodes.stop() }
        nodes.a.kill()
        let cli = try CLI(url: "\(nodes.a.url), \(nodes.b.url)", token: nodes.alice)
        let post = try await cli.run("post", "#general", "via B", "--json")
        try post.expectSuccess()
        #expect(post.stdout.contains("via B"))
        // One node only, and it is dead: a network error, exit status 5.
        let alone = try await cli.run(["post", "#general", "lost", "--url", nodes.a.url], passURL: false,
                                      environment: ["SWARM_TOKEN": nodes.alice])
        #expect(alone.status == 5, "\(alone)")
        let help = try await cli.run("--help")
        #expect(help.stdout.contains("Several nodes") && help.stdout.contains("separate the URLs with commas"), "\(help.stdout)")
    }

    @Test("the Python bot given a dead node first fails over to the next and replays its contacts", .enabled(if: BotTools.have("python3")))
    func pythonBotFailsOver() async throws {
        let probe = try await BotTools.run("python3", ["-c", "import websockets"])
        try #require(probe.status == 0, "the Python bot needs the websockets package: python3 -m pip install websockets\n\(probe)")
        let nodes = try await TwoNodes.start(others: ["support"])
        defer { nodes.stop() }
        let bot = try ChildServer.run(["admin", "bot", "add", "replay-bot", "--scopes", "case.interaction,case.link_ticket", "--channels", "support*", "--db", nodes.db],
                                      environment: nodes.storage)
        let token = String(try #require(bot.output.split(separator: "\n").first { $0.hasPrefix("token: ") }).dropFirst(7))
        nodes.a.kill()
        let file = BotTools.example("python-bot/contacts.jsonl")
        let contacts = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }
        let run = try await BotTools.run("python3", [BotTools.example("python-bot/replay_contacts.py"), "--url", nodes.a.url, "--url", nodes.b.url,
                                                     "--token", token, file])
        #expect(run.status == 0, "\(run)")
        let replies = run.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }.filter { $0[1] != "linked" }
        #expect(replies.count == contacts.count, "\(run)")
        #expect(run.stderr.contains("resuming on \(nodes.b.url)"), "\(run)")
    }
}
