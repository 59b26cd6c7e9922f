import BenchSupport
import Foundation
import SwarmProtocol
import SwarmServer
import SwarmStore

/// What the hot-path benchmarks work on, made once before they run: a server on a temporary
/// database (`synchronous = normal`, so the numbers are CPU, not the disk's fsync), a channel with
/// posters, a knowledge base and a case with a long timeline.
struct Fixtures: Sendable {
    let bench: BenchServer
    let store: SQLiteStore
    let lead: Principal
    let posters: [Principal]
    let channel: String
    let kbQueries: [KBSearchRequest]
    let briefCase: String

    static let articles = 2_000
    static let briefEntries = 1_000

    static func make() async throws -> Fixtures {
        let bench = try await BenchServer.start(label: "micro-bench", parent: NSTemporaryDirectory(), keep: false)
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
        let corpus = (0..<articles).map { Corpus.article($0, seed: 42) }
        _ = try await store.importArticles(corpus, author: lead, batchSize: 500)
        let queries = ["rimborso carta", "refund", "spedizione ritardo", "invoice vat", "password reset", "abbonamento disdetta"]
            .map { KBSearchRequest(query: $0) }
        let briefCase = try await seedCase(store, lead, entries: briefEntries)
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
