import BenchSupport
import Foundation
import SwarmClient
import SwarmCore
import SwarmProtocol
import SwarmStore

extension TriageBench {
    /// The desk's reads at scale: the queue's top 50 (issue 12 target p99 < 10 ms), a 30-day
    /// report (p99 < 200 ms), the duplicate check one inbound contact runs (p99 < 1 ms) and the
    /// SLA scheduler's tick with nothing due (< 1 ms at 100,000 open cases).
    func measureDesk(_ store: SQLiteStore, _ lead: Principal, _ conn: SwarmConnection, _ rows: inout [(String, LatencyStats)]) async throws {
        let top = QueueListRequest(limit: 50)
        rows.append(("queue.list top 50 in-process", try await LatencyStats.measure(runs, warm: 5) { _ in
            _ = try await store.queueList(lead, top)
        }))
        rows.append(("queue.list top 50 over the socket", try await LatencyStats.measure(runs, warm: 5) { _ in
            _ = try await conn.request(Op.queueList.rawValue, top)
        }))

        let to = Date()
        let month = ReportGetRequest(from: Timestamp.format(to.addingTimeInterval(-Double(days) * 86_400)), to: Timestamp.format(to))
        rows.append(("report.get \(days) days in-process", try await LatencyStats.measure(max(3, runs / 20), warm: 1) { _ in
            _ = try await store.report(lead, month)
        }))

        var rng = SplitMix64(state: 42)
        let rule = DuplicateRule()
        let texts = ["my order 1234 never arrived, I want a refund", "il pacco 4321 non è mai arrivato, voglio il rimborso",
                     "the app crashes at login since the update"]
        rows.append(("duplicate check, one inbound contact", try await LatencyStats.measure(runs * 5, warm: 20) { i in
            _ = try await store.duplicateCheck(customer: Ids.make(.customer, Int64(1 + rng.below(cases))), text: texts[i % texts.count], at: to, rule: rule)
        }))

        // The seeded month left alerts behind (old ones are marked without an event): drain them,
        // then time the scheduler's tick when nothing is due — what it costs between alerts.
        while let next = try await store.nextSLAAlert(), next <= Date() {
            _ = try await store.fireDueSLAAlerts(leadsChannel: "")
        }
        rows.append(("SLA tick with nothing due (next alert + due scan)", try await LatencyStats.measure(runs * 5, warm: 20) { _ in
            _ = try await store.nextSLAAlert()
            _ = try await store.fireDueSLAAlerts(leadsChannel: "")
        }))
    }
}
