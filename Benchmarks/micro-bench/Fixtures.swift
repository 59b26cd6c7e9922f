import BenchSupport
import Foundation
import SwarmProtocol
import SwarmServer
import SwarmStore
import Synchronization

/// What the store's hot-path benchmarks work on: a server on a temporary database
/// (`synchronous = normal`, so the numbers are CPU, not the disk's fsync), a channel with 64
/// posters and, when asked for, a knowledge base or a case with a long timeline. Made by a
/// benchmark's setup (each benchmark runs in a process of its own) and removed by its teardown.
struct Fixtures: Sendable {
    struct Needs: OptionSet, Sendable {
        let rawValue: Int
        static let knowledgeBase = Needs(rawValue: 1)
        static let briefCase = Needs(rawValue: 2)
    }

    let bench: BenchServer
    let store: SQLiteStore
    let lead: Principal
    let posters: [Principal]
    let channel: String
    let kbQueries: [KBSearchRequest]
    let briefCase: String

    static let articles = 2_000
    static let briefEntries = 1_000

    private static let made = Mutex<Fixtures?>(nil)

    struct NotPrepared: Error {}

    /// The fixtures the running benchmark's setup made.
    static func current() throws -> Fixtures {
        guard let f = made.withLock({ $0 }) else { throw NotPrepared() }
        return f
    }

    static func prepare(_ needs: Needs) async throws {
        let f = try await make(needs)
        made.withLock { $0 = f }
    }

    static func release() async {
        guard let f = made.withLock({ f in defer { f = nil }; return f }) else { return }
        await f.bench.server.stop()
        f.bench.removeDatabase()
    }

    static func make(_ needs: Needs) async throws -> Fixtures {
        let bench = try await BenchServer.start(label: "micro-bench", parent: NSTemporaryDirectory(), keep: false)
        do {
            return try await fill(bench, needs)
        } catch {
            // The runner skips teardown when setup fails: nothing may be left behind.
            await bench.server.stop()
            bench.removeDatabase()
            throw error
        }
    }

    private static func fill(_ bench: BenchServer, _ needs: Needs) async throws -> Fixtures {
        let store = bench.server.store
        _ = try await store.createUser(name: "micro-lead", role: .lead)
        let lead = try await store.principal("micro-lead")
        let channel = try await store.createChannel(lead, ChannelCreateRequest(name: "micro"))
        var posters: [Principal] = []
        for i in 0..<64 {
            _ = try await store.createUser(name: "micro-agent-\(i)", role: .agent)
            let p = try await store.principal("micro-agent-\(i)")
            _ = try await store.joinChannel(p, ref: channel.id)
            posters.append(p)
        }
        if needs.contains(.knowledgeBase) {
            let corpus = (0..<articles).map { Corpus.article($0, seed: 42) }
            _ = try await store.importArticles(corpus, author: lead, batchSize: 500)
        }
        let queries = ["rimborso carta", "refund", "spedizione ritardo", "invoice vat", "password reset", "abbonamento disdetta"]
            .map { KBSearchRequest(query: $0) }
        let briefCase = needs.contains(.briefCase) ? try await seedCase(store, lead, entries: briefEntries) : ""
        return Fixtures(bench: bench, store: store, lead: lead, posters: posters, channel: channel.id, kbQueries: queries, briefCase: briefCase)
    }

    /// One customer's case with `entries` contacts over three channels (as brief-bench seeds it).
    static func seedCase(_ store: SQLiteStore, _ p: Principal, entries: Int) async throws -> String {
        let channels: [ContactChannel] = [.whatsapp, .email, .twitter]
        let opened = try await store.openCase(p, CaseOpenRequest(title: "Refund", identity: Identity(channel: .email, handle: "micro@example.com"),
                                                                 customerName: "Customer", channel: "#micro"), slaHours: 24)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<entries {
                group.addTask {
                    let text = "Message \(i): my parcel for order \(5000 + i % 97) has not arrived and I was charged twice."
                    _ = try await store.interaction(p, InteractionRequest(caseId: opened.id, channel: channels[i % 3], direction: i % 4 == 0 ? .outbound : .inbound,
                                                                          text: text, externalId: "micro-\(i)"), intakeChannel: "micro", slaHours: 24)
                }
            }
            try await group.waitForAll()
        }
        return opened.id
    }
}
