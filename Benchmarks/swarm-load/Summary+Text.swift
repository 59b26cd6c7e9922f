import Foundation

/// The human-readable report.
extension Summary {
    func text() -> String {
        var lines: [String] = []
        func add(_ label: String, _ value: String) {
            lines.append(label.padding(toLength: 14, withPad: " ", startingAt: 0) + value)
        }
        func num(_ v: Double?, _ unit: String = "") -> String { v.map { "\(format($0))\(unit)" } ?? "n/a" }

        add("mode", "\(mode)  (run \(run))")
        add("connections", "\(connections) open, \(connectFailed) failed, handshakes took \(format(connectSeconds)) s")
        if let senders, let durationSeconds {
            let rate = targetRate.map { "target \(format($0)) posts/s, " } ?? "as fast as acked, "
            add("load", "\(senders) senders, \(rate)\(format(durationSeconds)) s measured")
        }
        if let postsSent {
            add("posts", "sent \(postsSent), acked \(postsAcked ?? 0), failed \(postsFailed ?? 0), skipped \(postsSkipped ?? 0)")
            add("acked posts/s", num(ackedPerSecond))
            add("ack latency", "p50 \(num(ackP50Ms)) ms, p99 \(num(ackP99Ms)) ms, max \(num(ackMaxMs)) ms")
            if let sendLagP99Ms { add("send lag", "p99 \(format(sendLagP99Ms)) ms (the tool's own lateness)") }
        }
        if let delivered, let deliveredExpected {
            let share = deliveredExpected > 0 ? 100 * Double(delivered) / Double(deliveredExpected) : 100
            add("delivered", "\(delivered) of \(deliveredExpected) (\(format(share.rounded(places: 2))) %)")
            add("delivered/s", num(deliveredPerSecond))
            add("end-to-end", "p50 \(num(e2eP50Ms)) ms, p95 \(num(e2eP95Ms)) ms, p99 \(num(e2eP99Ms)) ms, max \(num(e2eMaxMs)) ms")
        }
        if let disconnects, !disconnects.isEmpty {
            add("disconnects", disconnects.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        }
        if let serverPid {
            var s = "pid \(serverPid): RSS \(num(serverRssMib)) MiB (before \(num(serverRssBeforeMib)), peak \(num(serverPeakRssMib)))"
            if let serverRssPerConnKib { s += ", \(format(serverRssPerConnKib)) KiB/connection" }
            if let serverCpuPercent { s += ", CPU \(format(serverCpuPercent)) % of a core" }
            if let serverThreads { s += ", \(serverThreads) threads" }
            add("server", s)
        } else {
            add("server", "not sampled (pass --server-pid)")
        }
        add("swarm-load", "RSS \(num(toolRssMib)) MiB, CPU \(num(toolCpuPercent)) % of a core")
        if let otherCpuPercent {
            add("other work", "CPU \(format(otherCpuPercent)) % of a core (\(cores) cores in all; other processes on the machine)")
        }
        if !errors.isEmpty {
            add("errors", errors.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
