import ArgumentParser
import Foundation

@main
struct SwarmLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarm-load",
        abstract: "Load generator for swarmd: fan-out latency, acknowledged posts/s, idle connection memory.",
        discussion: """
            Three scenarios, one per run:
              (default)   --connections N users in one channel; --senders K of them post --rate \
            posts/s in total for --duration s; every connection measures end-to-end latency.
              --ack-only  --senders K connections post as fast as each one's acks come back.
              --idle N    N connections say hello and stay idle; reports the server's RSS.
            The connections that carry the load (the --ack-only senders, the fan-out members other \
            than the senders, --idle) run on bare NIO channels unless --async-client. \
            Users are created with the admin token under a unique run prefix (lt-<run>-<i>). \
            Pass --server-pid (or run exactly one process named swarmd) for server RSS and CPU. \
            Many connections need a high open-files limit in both shells: `ulimit -n 65536` \
            (or the hard limit, `ulimit -Hn`); the tool raises its own soft limit itself.
            """)

    @Option(help: "WebSocket URL of the server; several nodes comma-separated (connections split across them, the admin on the first).")
    var url = "ws://127.0.0.1:7420/v1/ws"

    @Option(help: "Fan-out: the senders connect to this node and the other members to --url, and only the other members measure (commit on one node to delivery on another).")
    var sendersUrl: String?

    @Option(help: "Token of an admin user (creates the load users and channels).")
    var adminToken: String

    @Option(help: "Connections for the fan-out scenario, all members of the load channel.")
    var connections = 1000

    @Option(help: "Connections that post (fan-out: the first K of --connections; --ack-only: all).")
    var senders = 10

    @Option(help: "Total target posts per second over all senders (fan-out).")
    var rate = 1000.0

    @Option(help: "Measured seconds of posting.")
    var duration = 20.0

    @Option(help: "Seconds of posting before measuring starts.")
    var warmup = 2.0

    @Option(help: "Size of each message body in bytes.")
    var bodyBytes = 64

    @Flag(help: "Measure acknowledged posts/s: each sender awaits its ack before the next post.")
    var ackOnly = false

    @Flag(help: "Run every connection on SwarmClient's async WebSocket client (the tool's client until 2026-12-08): the --ack-only senders, the fan-out members and --idle connections otherwise use the lean NIO one.")
    var asyncClient = false

    @Flag(help: "With --ack-only, all senders post in one channel (each post fans out to every sender) instead of one channel each.")
    var sharedChannel = false

    @Option(help: "Open this many idle connections and report server memory.")
    var idle: Int?

    @Option(help: "Seconds to hold idle connections before sampling memory.")
    var hold = 5.0

    @Option(help: "Users to create; connection i logs in as user i % users (default: one per connection).")
    var users: Int?

    @Option(help: "Handshakes (connect + hello) in flight at once.")
    var connectConcurrency = 64

    @Option(help: "Posts awaiting their ack, over all paced senders, beyond which paced sends are skipped.")
    var maxInflight = 5000

    @Option(help: "Seconds to wait for deliveries after the last post.")
    var drainTimeout = 15.0

    @Option(help: "Pid of swarmd for RSS and CPU (default: the one process named swarmd, if exactly one).")
    var serverPid: Int32?

    @Option(help: "Run id used in user and channel names (default: random).")
    var runId: String?

    @Flag(help: "Also print a one-line JSON summary.")
    var json = false

    func validate() throws {
        guard connections > 0, senders > 0 else { throw ValidationError("--connections and --senders must be positive") }
        guard ackOnly || idle != nil || senders <= connections else { throw ValidationError("--senders must not exceed --connections") }
        guard sendersUrl == nil || (!ackOnly && idle == nil && senders < connections) else {
            throw ValidationError("--senders-url is for the fan-out scenario, with fewer --senders than --connections")
        }
        guard rate > 0, duration > 0, warmup >= 0, hold >= 0 else { throw ValidationError("--rate and --duration must be positive") }
        guard !(ackOnly && idle != nil) else { throw ValidationError("choose one of --ack-only and --idle") }
        guard (idle ?? 1) > 0, (users ?? 1) > 0, connectConcurrency > 0, maxInflight > 0 else {
            throw ValidationError("counts must be positive")
        }
        guard bodyBytes <= 60_000 else { throw ValidationError("--body-bytes must fit in the server's frame limit") }
    }

    func run() async throws {
        let wanted = (idle ?? (ackOnly ? senders : connections)) + 256
        let limit = ProcessStats.raiseOpenFiles(to: wanted)
        if limit < wanted { note("open-files limit is \(limit), below the \(wanted) this run needs: run `ulimit -n 65536` first") }
        let pid = serverPid ?? ProcessStats.findServer()
        if let pid, let serverLimit = ProcessStats.openFilesLimit(pid: pid), serverLimit < wanted {
            note("swarmd (pid \(pid)) may open only \(serverLimit) files; start it after `ulimit -n 65536`")
        }
        let runner = Runner(options: self, serverPid: pid)
        let summary: Summary
        if let idle {
            summary = try await runner.idle(idle)
        } else if ackOnly {
            summary = try await runner.ackOnly()
        } else {
            summary = try await runner.fanout()
        }
        print(summary.text())
        if json { print(summary.jsonLine()) }
    }
}

/// Progress goes to stderr so stdout stays the report.
func note(_ text: String) {
    FileHandle.standardError.write(Data("swarm-load: \(text)\n".utf8))
}
