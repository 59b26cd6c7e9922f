import ArgumentParser
import Foundation
import GRDB
import SwarmCore
import SwarmStore

/// The per-inbound duplicate check (issue 12 target: p99 < 1 ms) on a large timeline: it must
/// read only the customer's recent inbound contacts, whatever the table holds.
@main
struct DupesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dupes-bench",
        abstract: "Duplicate-check latency per inbound contact over a large timeline (issue 12 target: p99 < 1 ms).")

    @Option(help: "Customers.") var customers = 100_000
    @Option(help: "Inbound contacts per customer, spread over 30 days (the newest within the 24 h window).") var perCustomer = 10
    @Option(help: "Contacts of the busiest customers inside the window (the check compares at most 50).") var busy = 200
    @Option(help: "Checks timed.") var runs = 5_000
    @Option(help: "Directory for the temporary database.") var dir = NSTemporaryDirectory()

    /// The store as the bench opens it: no message search index (it reads timelines, not messages).
    static func options(_ path: String) -> StoreOptions {
        var options = StoreOptions(path: path, synchronous: "normal")
        options.indexesMessages = false
        return options
    }

    func run() async throws {
        let path = (dir as NSString).appendingPathComponent("dupes-bench-\(UUID().uuidString).sqlite")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let now = Date()
        // The schema from the store's migrations, then rows written directly: seeding through
        // case.interaction would take hours and measure something else.
        let empty = try SQLiteStore.open(Self.options(path))
        await empty.close()
        let texts = ["My refund for order %d never arrived", "The app crashes when I open order %d", "Where is my parcel %d? Tracking says delivered",
                     "I was charged twice for invoice %d", "Your service is down again in zone %d"]
        let queue = try DatabaseQueue(path: path)
        let started = ContinuousClock.now
        try await queue.write { db in
            let customer = try db.makeStatement(sql: "INSERT INTO customers(id, name, created_at, updated_at) VALUES (?, ?, ?, ?)")
            let entry = try db.makeStatement(sql: """
                INSERT INTO timeline(customer_id, kind, at, channel, direction, author, text) VALUES (?, 'interaction', ?, 'twitter', 'inbound', ?, ?)
                """)
            let stamp = Timestamp.format(now)
            for c in 1...customers {
                try customer.execute(arguments: [c, "customer \(c)", stamp, stamp])
                let n = c <= 10 ? busy : perCustomer
                for k in 0..<n {
                    // Spread over 30 days, the newest few inside the window.
                    let age = c <= 10 ? Double(k) * 60 : Double(k) * 3 * 86_400 + Double(c % 3600)
                    try entry.execute(arguments: [c, Timestamp.format(now.addingTimeInterval(-age)), "customer \(c)",
                                                  String(format: texts[(c + k) % texts.count], 1000 + k)])
                }
            }
        }
        let rows = customers * perCustomer + 10 * (busy - perCustomer)
        print("seeded \(customers) customers, \(rows) inbound contacts in \(ContinuousClock.now - started)")
        let store = try SQLiteStore.open(Self.options(path))
        let rule = DuplicateRule()
        for (label, pick) in [("typical customer", { (i: Int) in 11 + (i * 7919) % (customers - 11) }), ("busiest customers", { (i: Int) in 1 + i % 10 })] {
            var hits = 0
            var samples: [Double] = []
            for i in 0..<(runs + 200) {
                let c = pick(i)
                let text = String(format: texts[c % texts.count], 1000)
                let start = ContinuousClock.now
                let found = try await store.duplicateCheck(customer: "CU\(c)", text: text, at: now, rule: rule) != nil
                let elapsed = ContinuousClock.now - start
                // The first 200 warm the caches and prepared statements.
                guard i >= 200 else { continue }
                samples.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                if found { hits += 1 }
            }
            samples.sort()
            func q(_ f: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * f))] }
            print(String(format: "duplicate check, %@: p50 %.3f ms   p99 %.3f ms   max %.3f ms   (%d of %d found a duplicate)",
                         label, q(0.5), q(0.99), samples.last ?? 0, hits, runs))
        }
        await store.close()
    }
}
