import Foundation
import NIOCore
import SwarmClient

struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The settings of one run, copied out of the command, and what the scenarios share.
struct Runner: Sendable {
    var url: String
    var sendersURL: String?
    var adminToken: String
    var connections: Int
    var senders: Int
    var rate: Double
    var duration: Double
    var warmup: Double
    var bodyBytes: Int
    var sharedChannel: Bool
    var asyncClient: Bool
    var hold: Double
    var users: Int?
    var connectConcurrency: Int
    var maxInflight: Int
    var drainTimeout: Double
    var serverPid: Int32?
    var runId: String?

    init(options o: SwarmLoad, serverPid: Int32?) {
        url = o.url
        sendersURL = o.sendersUrl
        adminToken = o.adminToken
        connections = o.connections
        senders = o.senders
        rate = o.rate
        duration = o.duration
        warmup = o.warmup
        bodyBytes = o.bodyBytes
        sharedChannel = o.sharedChannel
        asyncClient = o.asyncClient
        hold = o.hold
        users = o.users
        connectConcurrency = o.connectConcurrency
        maxInflight = o.maxInflight
        drainTimeout = o.drainTimeout
        self.serverPid = serverPid
        runId = o.runId
    }

    /// Connects the admin and creates `count` users for a new run.
    func prepare(users count: Int, failures: Tally) async throws -> (Setup, [LoadUser]) {
        let run = runId ?? Setup.makeRunId()
        let admin: SwarmConnection
        do {
            admin = try await Setup.connectAdmin(url: Runner.nodes(url)[0], token: adminToken)
        } catch {
            throw LoadError("cannot connect to \(url) as admin: \(error)")
        }
        let setup = Setup(admin: admin, run: run, concurrency: connectConcurrency, failures: failures)
        note("run \(run): creating \(count) users")
        let created = await setup.createUsers(count)
        guard !created.isEmpty else {
            await admin.close()
            throw LoadError("could not create any user: \(failures.snapshot)")
        }
        return (setup, created)
    }

    func openConnections(_ count: Int, users: [LoadUser], keepRaw: Bool, failures: Tally) async -> ConnectOutcome {
        note("opening \(count) connections, \(connectConcurrency) at a time")
        let outcome = await Connections.open(
            count, users: users, url: url, firstURL: sendersURL.map { (senders, $0) }, keepRaw: keepRaw, limit: connectConcurrency, failures: failures,
            progress: { n in note("  \(n) handshakes done") })
        note("\(outcome.members.count) connections open in \(String(format: "%.1f", outcome.seconds)) s, \(outcome.failed) failed")
        return outcome
    }

    /// `LeanSocket`s for slots `first..<first + count`, placed as `Connections.open` places its
    /// connections: slot i logs in as user i % users, on node i % nodes. `make(slot, request, loop)`
    /// builds each one's handler.
    func openLean<Socket: LeanSocket>(
        _ count: Int, from first: Int = 0, what: String, failures: Tally,
        _ make: @escaping @Sendable (_ slot: Int, _ request: String, _ loop: EventLoop) -> Socket
    ) async -> LeanConnections.Opened<Socket> {
        let urls = Runner.nodes(url)
        note("opening \(count) lean \(what), \(connectConcurrency) at a time")
        let opened = await LeanConnections.open(count, url: { urls[($0 + first) % urls.count] }, limit: connectConcurrency,
                                                failures: failures) { i, request, loop in make(i + first, request, loop) }
        note("\(opened.open.count) \(what) open in \(String(format: "%.1f", opened.seconds)) s, \(opened.failed) failed")
        return opened
    }

    func serverSample() -> ProcessSample? { serverPid.flatMap { ProcessStats.sample(pid: $0) } }

    /// Server and tool samples taken when the clock reaches `nanos`.
    func samples(at nanos: Int64) -> Task<(ProcessSample?, ProcessSample?), Never> {
        Task {
            await LoadClock.sleep(untilNanos: nanos)
            return (serverSample(), ProcessStats.sampleSelf())
        }
    }

    static func nanos(_ seconds: Double) -> Int64 { Int64(seconds * 1e9) }

    /// The node URLs in `--url` (comma-separated when the server runs on several nodes).
    static func nodes(_ url: String) -> [String] {
        let list = url.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return list.isEmpty ? [url] : list
    }
}
