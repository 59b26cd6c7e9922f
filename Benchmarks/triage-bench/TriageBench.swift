import ArgumentParser
import BenchSupport
import Foundation
import SwarmClient
import SwarmProtocol
import SwarmServer
import SwarmStore

/// The triage desk at a month of traffic (issue 12): a deterministic generator puts `interactions`
/// contacts over `cases` cases into a fresh database through the same store call the bots use, then
/// times the desk's reads in-process and over the socket.
@main
struct TriageBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage-bench",
        abstract: "Queue, report, duplicate-check and SLA due-scan cost at 1,000,000 interactions over 100,000 cases (issue 12).")

    @Option(help: "Cases.")
    var cases = 100_000

    @Option(help: "Interactions (contacts) over all cases.")
    var interactions = 1_000_000

    @Option(help: "Days the traffic spans.")
    var days = 30

    @Option(help: "Cases seeded at once (their writes share group commits).")
    var concurrency = 256

    @Option(help: "Requests timed per measurement.")
    var runs = 200

    @Option(help: "Directory for the temporary database (deleted afterwards unless --keep).")
    var dir = NSTemporaryDirectory()

    @Option(help: "Use a database a previous run kept (skips seeding).")
    var existing: String?

    @Flag(help: "Keep the database (to rerun with --existing, or to inspect query plans).")
    var keep = false

    func run() async throws {
        let bench = try await BenchServer.start(label: "triage-bench", parent: dir, keep: keep, existing: existing) { config in
            config.intakeChannel = "support"
            config.dedicatedAccounts = ["@acme_care"]
        }
        defer { bench.removeDatabase() }
        let store = bench.server.store
        let data = TriageData(cases: cases, interactions: interactions, days: days,
                              start: Date().addingTimeInterval(-Double(days) * 86_400))
        if existing == nil { try await seed(store, data) }
        let (_, leadToken) = try await Self.user(store, "bench-lead", .lead)
        let lead = try await store.principal("bench-lead")
        let conn = try await SwarmConnection.connect(url: bench.url, hello: HelloRequest(token: leadToken, client: "triage-bench"))

        print("triage desk: \(cases) cases, \(interactions) interactions over \(days) days (release numbers are the ones that count)")
        print(String(repeating: "-", count: 100))
        var rows: [(String, LatencyStats)] = []
        // Baseline: the case list the desk had before the queue (newest first, one page).
        rows.append(("case.list 50 newest (baseline) in-process", try await LatencyStats.measure(runs, warm: 5) { _ in
            _ = try await store.listCases(lead, CaseListRequest(limit: 50))
        }))
        rows.append(("case.list 50 newest (baseline) over the socket", try await LatencyStats.measure(runs, warm: 5) { _ in
            _ = try await conn.request(Op.caseList.rawValue, CaseListRequest(limit: 50))
        }))
        try await measureDesk(store, lead, conn, &rows)
        for (label, s) in rows { print(label.padding(toLength: 60, withPad: " ", startingAt: 0), s.description) }
        print(String(repeating: "-", count: 100))
        await conn.close()
        await bench.server.stop()
    }

    static func user(_ store: SQLiteStore, _ name: String, _ role: Role) async throws -> (User, String) {
        if let existing = try? await store.user(name) {
            return (existing, try await store.issueToken(user: existing.id, label: "bench"))
        }
        return try await store.createUser(name: name, role: role)
    }

    /// Every case's contacts in time order through `store.interaction` (as a bridge bot would send
    /// them), `concurrency` cases at a time so the writes share group commits.
    func seed(_ store: SQLiteStore, _ data: TriageData) async throws {
        let (_, _) = try await Self.user(store, "bench-seed-lead", .lead)
        let lead = try await store.principal("bench-seed-lead")
        _ = try await store.createChannel(lead, ChannelCreateRequest(name: "support"))
        // A bridge bot with the scope a real one gets (`swarmd admin bot add`): its cases are `new`
        // and unowned, as the queue sees them.
        let (_, botToken) = try await store.createBot(name: "bench-bridge", scopes: ["case.interaction"], channels: ["support"])
        guard let (bot, _) = try await store.authenticate(token: botToken) else { throw CancellationError() }
        let start = ContinuousClock.now
        var next = 0
        var written = 0
        while next < data.cases {
            let batch = next..<min(data.cases, next + concurrency)
            written += try await withThrowingTaskGroup(of: Int.self) { group in
                for index in batch {
                    group.addTask {
                        let contacts = data.contacts(ofCase: index)
                        for contact in contacts {
                            _ = try await store.interaction(bot, contact.request, intakeChannel: "support", slaHours: 24,
                                                            dedicatedAccounts: ["@acme_care"])
                        }
                        return contacts.count
                    }
                }
                return try await group.reduce(0, +)
            }
            next = batch.upperBound
            if next / 10_000 != (next - batch.count) / 10_000 || next == data.cases {
                let s = LatencyStats.milliseconds(ContinuousClock.now - start) / 1000
                print(String(format: "seeded %d cases, %d interactions in %.0f s (%.0f/s)", next, written, s, Double(written) / s))
            }
        }
    }
}
