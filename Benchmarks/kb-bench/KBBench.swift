import ArgumentParser
import BenchSupport
import Foundation
import GRDB
import SwarmClient
import SwarmProtocol
import SwarmServer
import SwarmStore

/// Knowledge-base import throughput and `kb.search` latency on a large generated base, in-process
/// (the store call) and over a real WebSocket, on a server started in this process.
@main
struct KBBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb-bench",
        abstract: "KB import throughput and kb.search latency (targets: import ≥ 5,000 articles/s, p99 < 5 ms in-process, < 15 ms over the socket).")

    @Option(help: "kb.search_candidates: newest matches ranked per phase (0 = every match).")
    var candidates = ServerConfig().kbSearchCandidates

    @Option(help: "Articles to generate and import.")
    var articles = 100_000

    @Option(help: "Articles per import transaction.")
    var batch = SQLiteStore.kbImportBatch

    @Option(help: "Searches timed per measurement (the query list is cycled).")
    var runs = 1_000

    @Option(help: "Corpus seed (same seed, same articles).")
    var seed: UInt64 = 6

    @Option(help: "Directory for the temporary database (deleted afterwards unless --keep).")
    var dir = NSTemporaryDirectory()

    @Flag(help: "Keep the database (to inspect query plans with sqlite3, or to search it again with --reuse).")
    var keep = false

    @Option(help: "Time only this query (repeat the option for several), instead of the built-in list.")
    var query: [String] = []

    @Option(help: "Language filter for the --query searches.")
    var language: String?

    @Option(help: "Search the database a --keep run left in this directory instead of generating and importing one.")
    var reuse: String?

    @Option(help: "Also run on PostgreSQL (a server URL, e.g. postgres://swarm@127.0.0.1:5432/postgres): a fresh database is created there and dropped afterwards; SQLite runs first, then PostgreSQL, and the two are compared.")
    var postgres: String?

    /// What agents type: single words, two words, prefixes while typing, a word without its
    /// accent, and searches narrowed to one language.
    static let queries: [KBSearchRequest] = [
        KBSearchRequest(query: "rimborso"), KBSearchRequest(query: "refund"), KBSearchRequest(query: "spedizione"),
        KBSearchRequest(query: "password"), KBSearchRequest(query: "fattura"), KBSearchRequest(query: "voucher"),
        KBSearchRequest(query: "rimborso carta"), KBSearchRequest(query: "refund card"), KBSearchRequest(query: "spedizione ritardo"),
        KBSearchRequest(query: "reset password"), KBSearchRequest(query: "invoice vat"), KBSearchRequest(query: "reso etichetta"),
        KBSearchRequest(query: "rimb"), KBSearchRequest(query: "ship"), KBSearchRequest(query: "fatt"), KBSearchRequest(query: "acc"),
        KBSearchRequest(query: "perche"), KBSearchRequest(query: "perche ritardo"), KBSearchRequest(query: "gia rimborsato"),
        KBSearchRequest(query: "rimborso", language: "it"), KBSearchRequest(query: "order cancel", language: "en"),
        KBSearchRequest(query: "abbonamento disdetta", language: "it"), KBSearchRequest(query: "customs", language: "en"),
        // Fewer than 10 titles hold all of these words, so the body search runs too; and one letter typed.
        KBSearchRequest(query: "entro giorni lav"), KBSearchRequest(query: "please check tracking"), KBSearchRequest(query: "help refund card bank"),
        KBSearchRequest(query: "assistenza c"),
    ]

    func run() async throws {
        guard postgres == nil || reuse == nil else { throw ValidationError("--reuse is for a kept SQLite database; it does not combine with --postgres") }
        if postgres != nil { print("== SQLite") }
        let sqlite = try await measure(postgresURL: nil)
        guard let postgres else { return }
        // A database of its own on that server, so runs never meet.
        let name = "kb_bench_" + UUID().uuidString.prefix(8).lowercased()
        try await PostgresDatabases.create(name, serverURL: postgres)
        print("== PostgreSQL (database \(name))")
        let pg: (inProcess: LatencyStats, socket: LatencyStats)
        do {
            pg = try await measure(postgresURL: try PostgresDatabases.url(postgres, database: name))
        } catch {
            if !keep { try? await PostgresDatabases.drop(name, serverURL: postgres) }
            throw error
        }
        if keep { print("database kept: \(name)") } else { try await PostgresDatabases.drop(name, serverURL: postgres) }
        print(String(repeating: "=", count: 88))
        print(String(format: "kb.search p50/p99 in-process: SQLite %.3f/%.3f ms, PostgreSQL %.3f/%.3f ms (PostgreSQL/SQLite p99 ×%.1f)",
                     sqlite.inProcess.p50, sqlite.inProcess.p99, pg.inProcess.p50, pg.inProcess.p99, pg.inProcess.p99 / max(sqlite.inProcess.p99, 1e-9)))
        print(String(format: "kb.search p50/p99 over the socket: SQLite %.3f/%.3f ms, PostgreSQL %.3f/%.3f ms (PostgreSQL/SQLite p99 ×%.1f)",
                     sqlite.socket.p50, sqlite.socket.p99, pg.socket.p50, pg.socket.p99, pg.socket.p99 / max(sqlite.socket.p99, 1e-9)))
    }

    /// One whole run (import, searches, timings) on SQLite, or on PostgreSQL at `postgresURL`.
    func measure(postgresURL: String?) async throws -> (inProcess: LatencyStats, socket: LatencyStats) {
        let bench = try await BenchServer.start(label: "kb-bench", parent: dir, keep: keep, existing: reuse) { config in
            config.kbSearchCandidates = candidates
            if let postgresURL {
                config.storageBackend = "postgres"
                config.storageURL = postgresURL
            }
        }
        defer { bench.removeDatabase() }
        let server = bench.server
        let store = server.store
        let name = "bench-admin-\(UUID().uuidString.prefix(8).lowercased())"
        let (_, token) = try await store.createUser(name: name, role: .admin)
        let admin = try await store.principal(name)
        let importRate = reuse == nil ? try await importCorpus(store, admin) : nil
        try await printSizes(store, bench.databasePath)

        let conn = try await SwarmConnection.connect(url: bench.url, hello: HelloRequest(token: token, client: "kb-bench"))
        let queries = query.isEmpty ? Self.queries : query.map { KBSearchRequest(query: $0, language: language) }
        var hitCounts: [String] = []
        for q in queries {
            let n = try await store.searchArticles(admin, q).results.count
            hitCounts.append("\(q.query)\(q.language.map { "[\($0)]" } ?? ""):\(n)")
        }
        print("queries (\(hitCounts.count), cycled; top-10 hits each): " + hitCounts.joined(separator: "  "))
        print(String(repeating: "-", count: 88))
        let inProcess = try await time(runs) { i in _ = try await store.searchArticles(admin, queries[i % queries.count]) }
        print("kb.search in-process".padding(toLength: 30, withPad: " ", startingAt: 0), inProcess.description)
        let socket = try await time(runs) { i in
            _ = try await conn.request(Op.kbSearch.rawValue, queries[i % queries.count], as: KBSearchReply.self)
        }
        print("kb.search over the socket".padding(toLength: 30, withPad: " ", startingAt: 0), socket.description)
        print(String(repeating: "-", count: 88))
        print("slowest queries in-process (median of 5):")
        var perQuery: [(String, Double)] = []
        for q in queries {
            let s = try await time(5, warm: 1) { _ in _ = try await store.searchArticles(admin, q) }
            perQuery.append(("\(q.query)\(q.language.map { " [\($0)]" } ?? "")", s.p50))
        }
        for (q, ms) in perQuery.sorted(by: { $0.1 > $1.1 }).prefix(5) { print(String(format: "  %-28@ %7.3f ms", q as NSString, ms)) }
        print(String(repeating: "-", count: 88))
        func verdict(_ ok: Bool) -> String { ok ? "met" : "NOT met" }
        print("targets: import ≥ 5,000/s \(importRate.map { verdict($0 >= 5_000) } ?? "not measured (--reuse)"); p99 < 5 ms in-process \(verdict(inProcess.p99 < 5)); "
              + "p99 < 15 ms over the socket \(verdict(socket.p99 < 15))")
        await conn.close()
        await server.stop()
        return (inProcess, socket)
    }

    /// Generates the corpus, then times its import in one call, as `swarmd admin kb import` does
    /// (one transaction per batch, kb_terms rebuilt at the end).
    func importCorpus(_ store: SQLiteStore, _ admin: Principal) async throws -> Double {
        let generating = ContinuousClock.now
        let corpus = (0..<articles).map { Corpus.article($0, seed: seed) }
        FileHandle.standardError.write(Data("generated \(articles) articles in \(ContinuousClock.now - generating); importing\n".utf8))
        let bytes = corpus.reduce(0) { $0 + $1.body.utf8.count + $1.title.utf8.count }
        let start = ContinuousClock.now
        let result = try await store.importArticles(corpus, author: admin, batchSize: batch)
        let importTime = ContinuousClock.now - start
        guard result.rejected.isEmpty else { throw ValidationError("generated article refused: \(result.rejected[0])") }
        let imported = result.imported
        let importRate = Double(imported) / seconds(importTime)
        print(String(format: "import: %d articles (%.0f MB of text) in %.2f s → %.0f articles/s (batches of %d per transaction)",
                     imported, Double(bytes) / 1e6, seconds(importTime), importRate, batch))
        return importRate
    }

    /// Database file, and the FTS index alone when SQLite has the dbstat table; on PostgreSQL the
    /// database and the two search indexes (the tsvector columns are inside the table).
    func printSizes(_ store: SQLiteStore, _ dbPath: String) async throws {
        guard store.sqlitePool != nil else {
            let sizes = try await store.backend.read { db in
                (try db.fetchOne(Int64.self, "SELECT pg_database_size(current_database())") ?? 0,
                 try db.fetchOne(Int64.self, "SELECT pg_relation_size('kb_search_head') + pg_relation_size('kb_search_all')") ?? 0,
                 try db.fetchOne(Int64.self, "SELECT pg_total_relation_size('kb_articles')") ?? 0)
            }
            print(String(format: "sizes: database %.0f MB, search indexes %.0f MB, kb_articles with its indexes %.0f MB",
                         Double(sizes.0) / 1e6, Double(sizes.1) / 1e6, Double(sizes.2) / 1e6))
            return
        }
        let file = (try? FileManager.default.attributesOfItem(atPath: dbPath)[.size] as? Int) ?? 0
        let fts = try? await store.sqlitePool!.read { db in
            try Int.fetchOne(db, sql: "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'kb_fts%' OR name LIKE 'kb_head%'")
        }
        let articles = try? await store.sqlitePool!.read { db in
            try Int.fetchOne(db, sql: "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('kb_articles', 'kb_versions')")
        }
        print(String(format: "sizes: database file %.0f MB", Double(file) / 1e6)
              + (fts.flatMap { $0 }.map { String(format: ", FTS index %.0f MB", Double($0) / 1e6) } ?? " (dbstat unavailable)")
              + (articles.flatMap { $0 }.map { String(format: ", articles + versions %.0f MB", Double($0) / 1e6) } ?? ""))
    }

    func seconds(_ d: Duration) -> Double { LatencyStats.milliseconds(d) / 1000 }

    func time(_ n: Int, warm: Int = 2 * KBBench.queries.count, _ body: (Int) async throws -> Void) async throws -> LatencyStats {
        try await LatencyStats.measure(n, warm: warm, body)
    }
}
