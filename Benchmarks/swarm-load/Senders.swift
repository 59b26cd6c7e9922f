import Synchronization
import SwarmClient
import SwarmProtocol

struct SenderResult: Sendable {
    /// Acknowledgement latency (µs) of measured posts.
    var ack = Histogram()
    /// How late each paced send went out compared to its schedule (µs): the tool's own lag.
    var lag = Histogram()
    var sent = 0
    var acked = 0
    var failed = 0
    /// Paced sends dropped because too many posts were waiting for their ack.
    var skipped = 0
    var lastAckNanos: Int64 = 0

    mutating func merge(_ o: SenderResult) {
        ack.merge(o.ack)
        lag.merge(o.lag)
        sent += o.sent
        acked += o.acked
        failed += o.failed
        skipped += o.skipped
        lastAckNanos = max(lastAckNanos, o.lastAckNanos)
    }
}

/// Posts at a fixed rate from a schedule (open loop): a slow server does not slow the schedule
/// down, so queueing shows up in the latencies instead of hiding in a lower send rate.
struct PacedSender: Sendable {
    var conn: SwarmConnection
    var channel: String
    var number: Int
    var of: Int
    var rate: Double
    var startNanos: Int64
    var endNanos: Int64
    var window: Window
    var bodyBytes: Int
    var maxInflight: Int
    var failures: Tally

    func run() async -> SenderResult {
        let state = PacedState()
        let interval = 1e9 / rate
        // Senders are staggered inside one interval so their posts do not arrive in bursts.
        let offset = interval * Double(number) / Double(of)
        await withDiscardingTaskGroup { group in
            var i = 0
            while true {
                let due = startNanos + Int64(offset + Double(i) * interval)
                if due >= endNanos { break }
                i += 1
                await LoadClock.sleep(untilNanos: due)
                if state.inflight.load(ordering: .relaxed) >= maxInflight {
                    if due >= window.measureFrom { state.result.withLock { $0.skipped += 1 } }
                    continue
                }
                let t0 = LoadClock.nanos()
                // Receivers measure by the send time in the body, so the sender decides the same way.
                let measured = t0 >= window.measureFrom
                if measured { state.result.withLock { $0.lag.record((t0 - due) / 1000); $0.sent += 1 } }
                let request = MessagePostRequest(
                    channel: channel, body: Marker.body(sentNanos: t0, sender: number, number: i, bytes: bodyBytes))
                state.inflight.add(1, ordering: .relaxed)
                group.addTask { [conn, failures, state] in
                    defer { state.inflight.subtract(1, ordering: .relaxed) }
                    do {
                        let reply = try await conn.send(Op.messagePost.rawValue, request)
                        let t1 = LoadClock.nanos()
                        if reply.ok == true {
                            if measured { state.result.withLock { $0.ack.record((t1 - t0) / 1000); $0.acked += 1; $0.lastAckNanos = t1 } }
                        } else {
                            failures.add("message.post " + (reply.error?.code.rawValue ?? "malformed reply"))
                            if measured { state.result.withLock { $0.failed += 1 } }
                        }
                    } catch {
                        failures.add("message.post " + Tally.kind(of: error))
                        if measured { state.result.withLock { $0.failed += 1 } }
                    }
                }
            }
        }
        return state.result.withLock { $0 }
    }
}

/// What a paced sender's in-flight posts update as their acks come back.
final class PacedState: Sendable {
    let result = Mutex(SenderResult())
    let inflight = Atomic<Int>(0)
}

/// Posts as fast as the server acknowledges: one post in flight per sender (closed loop). With
/// many senders the server's group commit shares one transaction among their posts.
struct ClosedLoopSender: Sendable {
    var conn: SwarmConnection
    var channel: String
    var number: Int
    var endNanos: Int64
    var window: Window
    var bodyBytes: Int
    var failures: Tally

    func run() async -> SenderResult {
        var result = SenderResult()
        var i = 0
        while LoadClock.nanos() < endNanos {
            i += 1
            let t0 = LoadClock.nanos()
            let measured = t0 >= window.measureFrom
            let request = MessagePostRequest(
                channel: channel, body: Marker.body(sentNanos: t0, sender: number, number: i, bytes: bodyBytes))
            if measured { result.sent += 1 }
            do {
                let reply = try await conn.send(Op.messagePost.rawValue, request)
                let t1 = LoadClock.nanos()
                if reply.ok == true {
                    if measured, t1 <= endNanos {
                        result.ack.record((t1 - t0) / 1000)
                        result.acked += 1
                        result.lastAckNanos = t1
                    }
                } else {
                    failures.add("message.post " + (reply.error?.code.rawValue ?? "malformed reply"))
                    if measured { result.failed += 1 }
                }
            } catch {
                failures.add("message.post " + Tally.kind(of: error))
                if measured { result.failed += 1 }
                // A closed socket fails every later send at once; stop instead of spinning.
                if error is SwarmConnection.Closed { break }
            }
        }
        return result
    }
}
