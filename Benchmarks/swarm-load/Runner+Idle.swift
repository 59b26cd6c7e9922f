import SwarmClient

extension Runner {
    /// N connections that say hello and then only listen: what an idle socket costs the server.
    /// The connections are `LeanSocket`s (they answer pings and drop every frame), or
    /// `SwarmConnection`s with `--async-client`.
    func idle(_ count: Int) async throws -> Summary {
        let failures = Tally()
        let (setup, created) = try await prepare(users: min(count, users ?? count), failures: failures)
        try? await Task.sleep(for: .seconds(1))
        let before = serverSample()
        let opened: (count: Int, seconds: Double, close: @Sendable () async -> Void)
        if asyncClient {
            let outcome = await openConnections(count, users: created, keepRaw: false, failures: failures)
            opened = (outcome.members.count, outcome.seconds, { await Connections.closeAll(outcome.members.map(\.conn)) })
        } else {
            let lean = await openLean(count, what: "connections", failures: failures) { [created] slot, request, loop in
                LeanSocket(token: created[slot % created.count].token, upgradeRequest: request, loop: loop)
            }
            opened = (lean.open.count, lean.seconds, { await LeanConnections.closeAll(lean.channels) })
        }
        let settled = LoadClock.nanos()
        let startSamples = samples(at: settled)
        note("holding \(opened.count) idle connections for \(hold) s")
        await LoadClock.sleep(untilNanos: settled + Self.nanos(hold))
        let end = (serverSample(), ProcessStats.sampleSelf())
        await opened.close()
        await setup.admin.close()

        let (serverStart, toolStart) = await startSamples.value
        var summary = Summary(mode: "idle", run: setup.run, connected: opened.count, seconds: opened.seconds, requested: count, errors: failures)
        summary.setServer(pid: serverPid, before: before, start: serverStart, end: end.0)
        summary.setTool(start: toolStart, end: end.1)
        return summary
    }
}
