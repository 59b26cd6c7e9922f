import Foundation
import Metrics
import SwarmProtocol
import SwarmStore

/// The main report figures as Prometheus metrics (PROTOCOL §26.4): contacts and responses counted
/// as they are recorded, first-response times observed when a case gets its first response, and
/// the open-case gauges read from the database when /metrics is scraped.
enum ReportMetrics {
    static let firstResponseLabel = "swarm_first_response_seconds"
    /// One minute to three days: the range care teams set targets in.
    static let firstResponseBuckets: [Double] = [60, 300, 900, 1_800, 3_600, 4 * 3_600, 8 * 3_600, 24 * 3_600, 72 * 3_600]

    static let responses = Counter(label: "swarm_responses_total")

    /// After a `case.interaction` was stored (socket or bot HTTP).
    static func recorded(_ req: InteractionRequest, _ reply: InteractionReply, store: SQLiteStore) async {
        guard !reply.duplicate else { return }
        switch req.direction {
        case .inbound:
            Counter(label: "swarm_inbound_contacts_total", dimensions: [("channel", req.channel.rawValue)]).increment()
        case .outbound:
            responses.increment()
            if let seconds = try? await store.firstResponseSeconds(entry: reply.entry.id) {
                Recorder(label: firstResponseLabel, aggregate: true).record(seconds)
            }
        }
    }

    /// Before /metrics answers: cases open by status, and first-response SLA misses when the SLA part is installed.
    static func refresh(store: SQLiteStore) async {
        guard let gauges = try? await store.caseGauges() else { return }
        for status in ["new", "open", "pending"] {
            Gauge(label: "swarm_open_cases", dimensions: [("status", status)]).record(gauges.open[status] ?? 0)
        }
        if let missed = gauges.slaMissed { Gauge(label: "swarm_sla_first_response_missed_cases").record(missed) }
    }
}
