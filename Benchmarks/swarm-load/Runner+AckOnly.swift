import SwarmClient

extension Runner {
    /// K senders, each posting as soon as its previous post is acknowledged. Acked posts/s then
    /// shows how many posts the server commits per second (group commit shares transactions).
    func ackOnly() async throws -> Summary {
        let failures = Tally()
        let (setup, created) = try await prepare(users: users ?? senders, failures: failures)
        let channels: [String]
        if sharedChannel {
            channels = [try await setup.createChannel("load-\(setup.run)", members: created).id]
        } else {
            var ids: [String] = []
            for (k, user) in created.enumerated() {
                ids.append(try await setup.createChannel("load-\(setup.run)-\(k)", members: [user]).id)
            }
            channels = ids
        }
        // Slot i logs in as user i % users, which is a member of channel i % users.
        let channelOf: @Sendable (Int) -> String = { [created] slot in channels[slot % created.count % channels.count] }
        let before = serverSample()
        let senders: AckSenders = if asyncClient {
            try await SwarmConnectionSenders.open(self, users: created, channelOf: channelOf, failures: failures)
        } else {
            try await LeanSenders.open(self, users: created, channelOf: channelOf, failures: failures)
        }
        let window = Window()
        let start = LoadClock.nanos() + 200_000_000
        let measureFrom = start + Self.nanos(warmup)
        let end = measureFrom + Self.nanos(duration)
        window.setMeasureFrom(measureFrom)
        let startSamples = samples(at: measureFrom)
        note("\(senders.count) senders posting as fast as acked for \(warmup) + \(duration) s")
        let posts = await senders.post(startNanos: start, window: window, endNanos: end)
        let endSamples = (serverSample(), ProcessStats.sampleSelf())
        window.setClosing()
        await senders.close()
        await setup.admin.close()

        let (serverStart, toolStart) = await startSamples.value
        var summary = Summary(mode: sharedChannel ? "ack-only shared channel" : "ack-only", run: setup.run,
                              connected: senders.count, seconds: senders.connectSeconds, requested: self.senders, errors: failures)
        summary.senders = senders.count
        summary.durationSeconds = duration
        summary.setPosts(posts, seconds: duration)
        summary.setServer(pid: serverPid, before: before, start: serverStart, end: endSamples.0)
        summary.setTool(start: toolStart, end: endSamples.1)
        return summary
    }
}
