import ArgumentParser
import BenchSupport
import Foundation
import SwarmClient
import SwarmProtocol
import SwarmServer
import SwarmStore

/// How long a case brief takes for a customer with a long history, in-process and over the
/// socket, against the same case with a short history as the baseline (same run, same server).
@main
struct BriefBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brief-bench",
        abstract: "Case brief latency for a case with a long cross-channel timeline (issue 5 target: < 20 ms at 10,000 entries).")

    @Option(help: "Timeline entries (customer contacts) on the big case.")
    var entries = 10_000

    @Option(help: "Entries on the baseline case.")
    var baseline = 10

    @Option(help: "Entries on a case of the long customer in a private channel the agent reader may not see (withheld from their brief).")
    var privateEntries = 1_000

    @Option(help: "Briefs timed per measurement.")
    var runs = 300

    @Option(help: "Directory for the temporary database (deleted afterwards unless --keep).")
    var dir = NSTemporaryDirectory()

    @Flag(help: "Keep the database (to inspect query plans).")
    var keep = false

    func run() async throws {
        let bench = try await BenchServer.start(label: "brief-bench", parent: dir, keep: keep)
        defer { bench.removeDatabase() }
        let server = bench.server
        let store = server.store
        let (_, token) = try await store.createUser(name: "bench-lead", role: .lead)
        let lead = try await store.principal("bench-lead")
        _ = try await store.createChannel(lead, ChannelCreateRequest(name: "support"))

        let big = try await seedCase(store, lead, name: "long", entries: entries)
        let small = try await seedCase(store, lead, name: "short", entries: baseline)
        // The same customer's case in a private channel, newest entries last: an agent outside it
        // gets the filtered brief (the page skips its entries, which are only counted).
        _ = try await store.createChannel(lead, ChannelCreateRequest(name: "vip", kind: .private))
        _ = try await seedCase(store, lead, name: "long", entries: privateEntries, channel: "#vip")
        let (_, agentToken) = try await store.createUser(name: "bench-agent", role: .agent)
        let agent = try await store.principal("bench-agent")

        let conn = try await SwarmConnection.connect(url: bench.url, hello: HelloRequest(token: token, client: "brief-bench"))
        let agentConn = try await SwarmConnection.connect(url: bench.url, hello: HelloRequest(token: agentToken, client: "brief-bench"))
        print("brief of a case: timeline page 100 newest entries, 20 thread messages, facts, hand-offs, questions")
        print(String(repeating: "-", count: 100))
        var rows: [(String, LatencyStats)] = []
        for (label, caseId, n, reader, socketConn) in [("baseline", small, baseline, lead, conn), ("long", big, entries, lead, conn),
                                                       ("long, agent", big, entries, agent, agentConn)] {
            let brief = try await store.brief(reader, CaseBriefRequest(caseId: caseId))
            guard brief.timeline.total >= n else { throw ValidationError("seeding failed: \(brief.timeline.total) entries") }
            let inProcess = try await LatencyStats.measure(runs, warm: 10) { _ in _ = try await store.brief(reader, CaseBriefRequest(caseId: caseId)) }
            let socket = try await LatencyStats.measure(runs, warm: 10) { _ in _ = try await socketConn.request(Op.caseBrief.rawValue, CaseBriefRequest(caseId: caseId)) }
            let withheld = brief.timeline.withheld > 0 ? ", \(brief.timeline.withheld) withheld" : ""
            rows.append(("\(label) in-process (\(brief.timeline.total) entries\(withheld))", inProcess))
            rows.append(("\(label) over the socket", socket))
        }
        for (label, s) in rows { print(label.padding(toLength: 56, withPad: " ", startingAt: 0), s.description) }
        print(String(repeating: "-", count: 100))
        print(String(format: "p99 ratio long/baseline: in-process ×%.2f, socket ×%.2f; target p99 < 20 ms at 10,000 entries: %@",
                     rows[2].1.p99 / rows[0].1.p99, rows[3].1.p99 / rows[1].1.p99,
                     rows[2...].allSatisfy { $0.1.p99 < 20 } ? "met" : "NOT met"))
        await conn.close()
        await agentConn.close()
        await server.stop()
    }

    /// A customer with `entries` contacts over three channels, all on one case, through the same
    /// store calls the bots use (concurrently, so they share group commits).
    func seedCase(_ store: SQLiteStore, _ p: Principal, name: String, entries: Int, channel: String = "#support") async throws -> String {
        let channels: [ContactChannel] = [.whatsapp, .email, .twitter]
        let opened = try await store.openCase(p, CaseOpenRequest(title: "Refund for \(name)", identity: Identity(channel: .email, handle: "\(name)@example.com"),
                                                                 customerName: "Customer \(name)", channel: channel), slaHours: 24)
        var done = 0
        while done < entries {
            let chunk = min(500, entries - done)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in done..<(done + chunk) {
                    group.addTask {
                        let text = "Message \(i): my parcel for order \(5000 + i % 97) has not arrived and I was charged twice, please check."
                        _ = try await store.interaction(p, InteractionRequest(caseId: opened.id, channel: channels[i % 3], direction: i % 4 == 0 ? .outbound : .inbound,
                                                                              text: text, externalId: "\(name)-\(channel)-\(i)"), intakeChannel: "support", slaHours: 24)
                    }
                }
                try await group.waitForAll()
            }
            done += chunk
        }
        _ = try await store.fact(p, CaseFactRequest(caseId: opened.id, key: "order_number", value: "5512"))
        return opened.id
    }
}
