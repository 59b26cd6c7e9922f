import SwarmClient

/// The connections of an `--ack-only` run, each posting in a closed loop: the lean NIO client by
/// default, or `SwarmConnection` (`--async-client`, the client the tool used until 2026-12-08).
protocol AckSenders: Sendable {
    var count: Int { get }
    var connectSeconds: Double { get }
    /// Posts from `startNanos` until `endNanos`; counts what was sent from `window.measureFrom`.
    func post(startNanos: Int64, window: Window, endNanos: Int64) async -> SenderResult
    func close() async
}

struct LeanSenders: AckSenders {
    let opened: LeanConnections.Opened<LeanAckSender>
    let failures: Tally
    var count: Int { opened.open.count }
    var connectSeconds: Double { opened.seconds }

    static func open(_ runner: Runner, users: [LoadUser], channelOf: @escaping @Sendable (Int) -> String, failures: Tally) async throws -> LeanSenders {
        let bodyBytes = runner.bodyBytes
        let opened = await runner.openLean(runner.senders, what: "senders", failures: failures) { slot, request, loop -> LeanAckSender in
            let plan = LeanAckSender.Plan(token: users[slot % users.count].token, channel: channelOf(slot), number: slot,
                                          bodyBytes: bodyBytes, failures: failures)
            return LeanAckSender(plan: plan, upgradeRequest: request, loop: loop)
        }
        guard !opened.open.isEmpty else { throw LoadError("no connection opened: \(failures.snapshot)") }
        return LeanSenders(opened: opened, failures: failures)
    }

    func post(startNanos: Int64, window: Window, endNanos: Int64) async -> SenderResult {
        await LeanConnections.post(opened.open, startNanos: startNanos, measureFrom: window.measureFrom, endNanos: endNanos,
                                   failures: failures)
    }

    func close() async { await LeanConnections.closeAll(opened.channels) }
}

struct SwarmConnectionSenders: AckSenders {
    let outcome: ConnectOutcome
    let channelOf: @Sendable (Int) -> String
    let bodyBytes: Int
    let failures: Tally
    var count: Int { outcome.members.count }
    var connectSeconds: Double { outcome.seconds }

    static func open(
        _ runner: Runner, users: [LoadUser], channelOf: @escaping @Sendable (Int) -> String, failures: Tally
    ) async throws -> SwarmConnectionSenders {
        let outcome = await runner.openConnections(runner.senders, users: users, keepRaw: false, failures: failures)
        guard !outcome.members.isEmpty else { throw LoadError("no connection opened: \(failures.snapshot)") }
        return SwarmConnectionSenders(outcome: outcome, channelOf: channelOf, bodyBytes: runner.bodyBytes, failures: failures)
    }

    func post(startNanos: Int64, window: Window, endNanos: Int64) async -> SenderResult {
        await withTaskGroup(of: SenderResult.self) { group in
            for m in outcome.members {
                let sender = ClosedLoopSender(
                    conn: m.conn, channel: channelOf(m.index), number: m.index,
                    endNanos: endNanos, window: window, bodyBytes: bodyBytes, failures: failures)
                group.addTask {
                    await LoadClock.sleep(untilNanos: startNanos)
                    return await sender.run()
                }
            }
            var all = SenderResult()
            for await r in group { all.merge(r) }
            return all
        }
    }

    func close() async { await Connections.closeAll(outcome.members.map(\.conn)) }
}
