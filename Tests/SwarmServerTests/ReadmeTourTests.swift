import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

/// The README's 5-minute tour, run as written: the real `swarmd serve --dev-seed` on a temporary
/// directory and port, its shell lines through `sh` with the built binaries, and its terminal
/// client commands through the client's controller. If the tour drifts from the code, this fails.
@Suite("README tour against swarmd --dev-seed", .hangGuard, .serialized)
struct ReadmeTourTests {
    @Test("steps 1–8 and the bot example run as the README says")
    func tourRunsAsWritten() async throws {
        let readme = try ReadmeTour.load()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-tour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        // 1. The demo team, then the admin commands.
        let step1 = readme.step(1)
        let setup = ReadmeTour.blocks(step1, lang: "sh")
        try #require(setup.count == 2 && setup[0] == ["swift run swarmd serve --dev-seed"], "\(setup)")
        #expect(step1.contains("`#support`") && step1.contains("`CS1`") && step1.contains("`KB1`"))
        let server = try await ChildServer.start(db: dir.appendingPathComponent("data/swarm.sqlite").path, extra: ["--dev-seed"])
        defer { server.terminate() }
        let shell = TourShell(directory: dir.path, environment: ["HOME": dir.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                                                                 "NO_COLOR": "1", "SWARM_URL": server.url])
        let admin = try await shell.run(setup[1])
        try admin.expectSuccess()
        #expect(admin.stdout.contains("frank"))

        // 2–3. alice follows #general; bob's post shows up.
        let follow = try #require(ReadmeTour.blocks(readme.step(2), lang: "sh").first)
        let asAlice = try #require(follow.first { $0.hasPrefix("export SWARM_TOKEN=") })
        let tail = try shell.start(follow, exec: true)
        let post = try #require(ReadmeTour.blocks(readme.step(3), lang: "sh").first)
        try await shell.run(post).expectSuccess()
        try await Self.line(of: tail, containing: "bob: Hi @alice, can you take case 4411?")

        // 4. Ctrl-C says where to resume; resuming there replays exactly what was missed.
        tail.interrupt()
        let stopped = try await tail.wait(seconds: 20)
        #expect(stopped.status == 130, "\(stopped)")
        let seq = try #require(Self.resumeSeq(stopped.stderr), "\(stopped)")
        let asBob = "export SWARM_TOKEN=$(awk '$1==\"bob\"{print $2}' data/dev-tokens.txt)"
        try await shell.run([asBob, "swift run swarm post '#general' 'missed one'", "swift run swarm post '#general' 'missed two'"]).expectSuccess()
        let resume = ReadmeTour.blocks(readme.step(4), lang: "sh").first?.map(ReadmeTour.command) ?? []
        let again = try #require(resume.first { $0.hasSuffix("--after 42") }, "\(resume)")
        let resumed = try await shell.run([asAlice, again.replacingOccurrences(of: "--after 42", with: "--after \(seq) --count 2")])
        try resumed.expectSuccess()
        #expect(resumed.stdout.contains("bob: missed one") && resumed.stdout.contains("bob: missed two") && !resumed.stdout.contains("4411"), "\(resumed)")
        #expect((Self.resumeSeq(resumed.stderr) ?? 0) > seq, "\(resumed)")
        let json = try #require(resume.first { $0.hasSuffix("--json") }, "\(resume)")
        let jsonTail = try shell.start([asAlice, json + " --count 1"], exec: true)
        try await Self.line(of: jsonTail, containing: "\"ready\"")
        try await shell.run([asBob, "swift run swarm post '#general' 'live one'"]).expectSuccess()
        let live = try await jsonTail.wait(seconds: 20)
        try live.expectSuccess()
        let event = try JSONDecoder().decode(JSONValue.self, from: Data((live.remainingLines.last ?? "").utf8))
        #expect(event["ev"]?.string == "message.new" && event["seq"]?.int != nil && event["data"]?["body"]?.string == "live one", "\(live)")

        // 5. Looking around, and the HTTP side.
        let step5 = readme.step(5)
        for command in ReadmeTour.spans(step5, prefix: "swift run swarm ") {
            try await shell.run([asAlice, command]).expectSuccess()
        }
        for command in ReadmeTour.spans(step5, prefix: "curl ") {
            let out = try await shell.run([command.replacingOccurrences(of: "localhost:7420", with: "localhost:\(server.port)") + " --fail -sS"])
            try out.expectSuccess()
        }

        // 7–8. The terminal client's commands, as alice.
        let tokens = try String(contentsOf: dir.appendingPathComponent("data/dev-tokens.txt"), encoding: .utf8)
        let aliceToken = try #require(tokens.split(separator: "\n").first { $0.hasPrefix("alice\t") }?.split(separator: "\t").last.map(String.init))
        let controller = ChatController(url: server.url, token: aliceToken)
        await controller.start()
        guard await controller.waitUntil(seconds: 20, { $0.loaded }) else { throw Timeout(what: "the client to load") }
        let step7 = readme.step(7)
        let intro = String(step7[..<(step7.range(of: "```")?.lowerBound ?? step7.endIndex)])
        let blocks = ReadmeTour.blocks(step7, lang: "")
        try #require(blocks.count == 2, "step 7 has the case block and the customer block")
        let kb = ReadmeTour.spans(readme.step(8), prefix: "/kb ").filter { !$0.hasPrefix("/kb capture") }
        let commands = ReadmeTour.spans(intro, prefix: "/") + (blocks[0] + blocks[1]).map(ReadmeTour.command) + kb
        #expect(commands.contains("/case brief CS1") && commands.contains("/kb show KB1"), "\(commands)")
        var refused: [String] = []
        for command in commands {
            let before = await controller.model.notices.count
            _ = await InteractiveApp.submit(command, to: controller)
            let new = await controller.model.notices.dropFirst(before)
            refused += new.filter { $0.kind == .error }.map { "\(command) → \($0.text)" }
        }
        // The README says agents see the server's refusal of a merge; nothing else may fail.
        #expect(refused.count == 1 && refused.first?.hasPrefix("/customer merge") == true, "\(refused)")
        let texts = await controller.model.notices.map(\.text)
        #expect(texts.contains { $0.hasPrefix("opened CS2 ") && $0.contains("Parcel for order 6120") }, "a new case, not the seeded one again")
        #expect(texts.contains { $0.contains("── Brief CS1: Refund for order 5512 not received") })
        await controller.stop()

        // The bot example, with the seeded bot's token.
        let bots = ReadmeTour.blocks(readme.section("Bots"), lang: "sh")
        let curl = try #require(bots.first { $0.contains { $0.hasPrefix("curl ") } })
        let contact = try await shell.run(curl.map { $0.replacingOccurrences(of: "localhost:7420", with: "localhost:\(server.port)") })
        try contact.expectSuccess()
        #expect(contact.stdout.contains("\"ok\":true") && contact.stdout.contains("\"opened_case\":true"), "\(contact)")
    }

    static func line(of child: ChildProcess, containing text: String) async throws {
        while true {
            if try await child.nextLine(seconds: 20).contains(text) { return }
        }
    }

    static func resumeSeq(_ stderr: String) -> Int64? {
        guard let r = stderr.range(of: #"resume with --after [0-9]+"#, options: .regularExpression) else { return nil }
        return Int64(stderr[r].split(separator: " ").last ?? "")
    }
}
