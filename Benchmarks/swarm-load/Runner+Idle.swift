import SwarmClient

extension Runner {
    /// N connections that say hello and then only listen: what an idle socket costs the server.
    func idle(_ count: Int) async throws -> Summary {
        let failures = Tally()
        let (setup, created) = try await prepare(users: min(count, users ?? count), failures: failures)
        try? await Task.sleep(for: .seconds(1))
        let before = serverSample()
        let outcome = await openConnections(count, users: created, keepRaw: false, failures: failures)
        let settled = LoadClock.nanos()
        let startSamples = samples(at: settled)
        note("holding \(outcome.members.count) idle connections for \(hold) s")
        await LoadClock.sleep(untilNanos: settled + Self.nanos(hold))
        let end = (serverSample(), ProcessStats.sampleSelf())
        await Connections.closeAll(outcome.members.map(\.conn) + [setup.admin])

        let (serverStart, toolStart) = await startSamples.value
        var summary = Summary(mode: "idle", run: setup.run, connect: outcome, requested: count, errors: failures)
        summary.setServer(pid: serverPid, before: before, start: serverStart, end: end.0)
        summary.setTool(start: toolStart, end: end.1)
        return summary
    }
}
