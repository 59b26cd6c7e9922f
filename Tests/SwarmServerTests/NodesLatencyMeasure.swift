import Foundation
import SwarmClient
import SwarmProtocol
import Testing

/// Not a timed test: a measurement, run on demand with `SWARM_NODES_BENCH=20 swift test
/// --skip-build --filter NodesLatencyMeasure` (seconds of posting; `SWARM_NODES_RATE` posts/s,
/// default 100; `SWARM_CLUSTER_POLL_MS` reaches the nodes, default 250). Two `swarmd` processes on
/// one database: alice posts on node A; bob receives on A (same node) and carol on B (the other
/// node, through the log tail). Prints the delivery latency (post sent → event received) of both.
@Suite("Cross-node delivery measurement", .timeLimit(.minutes(10)), .enabled(if: ProcessInfo.processInfo.environment["SWARM_NODES_BENCH"] != nil))
struct NodesLatencyMeasure {
    @Test("delivery latency on the posting node and on the other node")
    func measure() async throws {
        let env = ProcessInfo.processInfo.environment
        let seconds = Double(env["SWARM_NODES_BENCH"] ?? "") ?? 20
        let rate = Double(env["SWARM_NODES_RATE"] ?? "") ?? 100
        let nodes = try await TwoNodes.start(environment: ["SWARM_LIMITS_OPS_PER_SECOND": "100000", "SWARM_LIMITS_OPS_BURST": "100000"])
        defer { nodes.stop() }
        let carol = try nodes.addUser("carol")
        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        _ = try await alice.request(.channelInvite, ChannelInviteRequest(channel: "#general", user: "carol"))
        let clock = ContinuousClock()
        let origin = clock.now
        func now() -> Double { (clock.now - origin).seconds }
        let sent = Locked<[String: Double]>([:])
        let sameNode = Locked<[Double]>([])
        let otherNode = Locked<[Double]>([])
        let total = Int(seconds * rate)

        func receiver(_ url: String, _ token: String, into sink: Locked<[Double]>) async throws -> Task<Void, Never> {
            let conn = try await SwarmConnection.connect(url: url, hello: HelloRequest(token: token, client: "measure"))
            return Task {
                for await frame in conn.events where frame.ev == EventName.messageNew.rawValue {
                    let at = now()
                    guard let body = frame.data?["body"]?.string, let t0 = sent.withLock({ $0[body] }) else { continue }
                    if sink.withLock({ $0.append(at - t0); return $0.count }) == total { break }
                }
                await conn.close()
            }
        }
        let onA = try await receiver(nodes.a.url, nodes.bob, into: sameNode)
        let onB = try await receiver(nodes.b.url, carol, into: otherNode)

        // Paced posts, each awaited in its own task so a slow ack does not delay the schedule.
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<total {
                let due = Double(i) / rate
                if due > now() { try? await Task.sleep(for: .milliseconds(Int((due - now()) * 1000))) }
                group.addTask {
                    let body = "m\(i)"
                    sent.withLock { $0[body] = now() }
                    _ = try? await alice.post("#general", body)
                }
            }
        }
        // Both receivers end after the last delivery (the suite's time limit bounds a loss).
        await onA.value
        await onB.value
        func line(_ name: String, _ values: [Double]) -> String {
            let v = values.sorted()
            func p(_ q: Double) -> String { String(format: "%.1f ms", v[min(v.count - 1, Int(Double(v.count) * q))] * 1000) }
            return "\(name): \(v.count) deliveries, p50 \(p(0.5)), p99 \(p(0.99)), max \(p(1.0))"
        }
        print("cross-node measure: \(total) posts at \(Int(rate))/s, poll \(env["SWARM_CLUSTER_POLL_MS"] ?? "250 (default)") ms")
        print(line("  same node (A → A) ", sameNode.withLock { $0 }))
        print(line("  other node (A → B)", otherNode.withLock { $0 }))
        await alice.close()
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
