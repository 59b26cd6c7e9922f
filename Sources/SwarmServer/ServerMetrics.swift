import Metrics
import Prometheus
import SwarmProtocol

/// Prometheus metrics through swift-metrics. The metrics system is global to the process, so it
/// is bootstrapped once and shared by every server in it (tests start several).
public enum ServerMetrics {
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapOnce: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["swarm_commit_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        factory.valueHistogramBuckets[ReportMetrics.firstResponseLabel] = ReportMetrics.firstResponseBuckets
        MetricsSystem.bootstrap(factory)
    }()

    public static func bootstrap() { _ = bootstrapOnce }

    static let connections = Meter(label: "swarm_connections")
    static let framesIn = Counter(label: "swarm_frames_in_total")
    static let framesOut = Counter(label: "swarm_frames_out_total")
    /// Batches of text frames written with one flush; frames_out / this is the coalescing.
    static let frameWrites = Counter(label: "swarm_frame_writes_total")
    static let fanoutDrops = Counter(label: "swarm_fanout_queue_drops_total")
    static let commitLatency = Metrics.Timer(label: "swarm_commit_seconds")
    /// Sockets cut because the client did not finish the close handshake in time.
    static let closeTimeouts = Counter(label: "swarm_close_timeouts_total")
    /// Connections refused or cut before a session: over a cap, or headers not finished in time.
    static func connectionRefused(_ why: String) {
        Counter(label: "swarm_connections_refused_total", dimensions: [("why", why)]).increment()
    }
    /// Transactions on the cluster tables (PostgreSQL nodes): at most one per `ClusterNode.turnSpacing`.
    static let clusterTurns = Counter(label: "swarm_cluster_turns_total")
    /// This node's presence rows sent to the cluster tables (written or deleted; only rows that
    /// changed, and all of them again when the node's row was gone).
    static let clusterRowsWritten = Counter(label: "swarm_cluster_rows_written_total")
    static let commitBatch = Recorder(label: "swarm_commit_batch_jobs", aggregate: true)

    /// One counter per (op, result); unknown op names share the label `unknown` so hostile input
    /// cannot grow the label set.
    static func op(_ op: Op?, _ result: String) {
        Counter(label: "swarm_ops_total", dimensions: [("op", op?.rawValue ?? "unknown"), ("result", result)]).increment()
    }
}
