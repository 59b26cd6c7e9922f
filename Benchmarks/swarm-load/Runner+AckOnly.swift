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
        let before = serverSample()
        let outcome = await openConnections(senders, users: created, keepRaw: false, failures: failures)
        guard !outcome.members.isEmpty else {
            await setup.admin.close()
            throw LoadError("no connection opened: \(failures.snapshot)")
        }

        let window = Window()
        let start = LoadClock.nanos() + 200_000_000
        let measureFrom = start + Self.nanos(warmup)
        let end = measureFrom + Self.nanos(duration)
        window.setMeasureFrom(measureFrom)
        let startSamples = samples(at: measureFrom)
        note("\(outcome.members.count) senders posting as fast as acked for \(warmup) + \(duration) s")
        let posts = await withTaskGroup(of: SenderResult.self) { group in
            for m in outcome.members {
                // Slot i logs in as user i % users, which is a member of channel i % users.
                let sender = ClosedLoopSender(
                    conn: m.conn, channel: channels[m.index % created.count % channels.count], number: m.index,
                    endNanos: end, window: window, bodyBytes: bodyBytes, failures: failures)
                group.addTask {
                    await LoadClock.sleep(untilNanos: start)
                    return await sender.run()
                }
            }
            var all = SenderResult()
            for await r in group { all.merge(r) }
            return all
        }
        let endSamples = (serverSample(), ProcessStats.sampleSelf())
        window.setClosing()
        await Connections.closeAll(outcome.members.map(\.conn) + [setup.admin])

        let (serverStart, toolStart) = await startSamples.value
        var summary = Summary(mode: sharedChannel ? "ack-only shared channel" : "ack-only", run: setup.run,
                              connect: outcome, requested: senders, errors: failures)
        summary.senders = outcome.members.count
        summary.durationSeconds = duration
        summary.setPosts(posts, seconds: duration)
        summary.setServer(pid: serverPid, before: before, start: serverStart, end: endSamples.0)
        summary.setTool(start: toolStart, end: endSamples.1)
        return summary
    }
}
