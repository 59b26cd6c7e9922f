import ArgumentParser
import BenchSupport
import Foundation
import SwarmClient
import SwarmProtocol
import SwarmServer
import SwarmStore
import SwarmTUI

/// Start-up, channel-open, keystroke-to-screen and incoming-message latency of the terminal
/// client, measured with its own controller, model and renderer against swarmd in-process.
@main
struct TUIBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui-bench",
        abstract: "Terminal client latency with a big channel (issue 11 targets: open < 100 ms, keystroke redraw < 5 ms).")

    @Option(help: "Messages in the big channel.")
    var messages = 10_000

    @Option(help: "Start-ups and channel opens timed.")
    var runs = 30

    @Option(help: "Keystrokes timed per keystroke scenario.")
    var keys = 1_000

    @Option(help: "Incoming messages timed per incoming scenario.")
    var incoming = 200

    @Option(help: "Characters already in the input line for the long-line scenario.")
    var longLine = 2_000

    @Option(help: "Virtual terminal columns.")
    var width = 160

    @Option(help: "Virtual terminal rows.")
    var height = 48

    @Option(help: "Directory for the temporary database (deleted afterwards unless --keep).")
    var dir = NSTemporaryDirectory()

    @Flag(help: "Keep the database.")
    var keep = false

    func run() async throws {
        let bench = try await BenchServer.start(label: "tui-bench", parent: dir, keep: keep)
        defer { bench.removeDatabase() }
        let store = bench.server.store
        _ = try await store.createUser(name: "bench-lead", role: .lead)
        let lead = try await store.principal("bench-lead")
        let (_, agentToken) = try await store.createUser(name: "bench-agent", role: .agent)
        let (_, peerToken) = try await store.createUser(name: "bench-peer", role: .agent)
        // Channels are listed by name, so `busy` is the one the client opens at start-up.
        let busy = try await store.createChannel(lead, ChannelCreateRequest(name: "busy", members: ["bench-agent", "bench-peer"])).id
        let quiet = try await store.createChannel(lead, ChannelCreateRequest(name: "quiet", members: ["bench-agent", "bench-peer"])).id
        let peer = try await store.principal("bench-peer")
        let seedStart = ContinuousClock.now
        try await Seed.messages(store, [lead, peer], channel: busy, count: messages - 1)
        try await Seed.messages(store, [lead, peer], channel: quiet, count: 20)
        let newest = try await store.post(peer, MessagePostRequest(channel: busy, body: "the newest seeded message")).id
        FileHandle.standardError.write(Data("seeded \(messages) messages in #busy in \(ContinuousClock.now - seedStart)\n".utf8))

        let scenarios = Scenarios(url: bench.url, token: agentToken, busy: busy, quiet: quiet, newest: newest,
                                  width: width, height: height, runs: runs, keys: keys, incoming: incoming, longLine: longLine)
        let peerConn = try await SwarmConnection.connect(url: bench.url, hello: HelloRequest(token: peerToken, client: "tui-bench"))
        let rows = try await scenarios.all(peer: peerConn)
        await peerConn.close()
        await bench.server.stop()
        report(rows)
    }

    func report(_ rows: [Row]) {
        print("terminal client, \(messages) messages in #busy, \(width)×\(height) virtual terminal, frames rendered to bytes (not written)")
        let rule = String(repeating: "-", count: 128)
        print(rule)
        print("scenario".padding(toLength: 52, withPad: " ", startingAt: 0), "     p50        p99        max   target     note")
        print(rule)
        for r in rows {
            let target = r.target.map { String(format: "< %3.0f ms %@", $0, r.stats.p99 < $0 ? "met" : "MISSED") } ?? ""
            print(r.label.padding(toLength: 52, withPad: " ", startingAt: 0),
                  String(format: "%8.3f   %8.3f   %8.3f", r.stats.p50, r.stats.p99, r.stats.samples.last ?? 0),
                  "ms  ", target.padding(toLength: 16, withPad: " ", startingAt: 0), r.note)
        }
        print(rule)
        print("targets are judged on p99")
    }
}
