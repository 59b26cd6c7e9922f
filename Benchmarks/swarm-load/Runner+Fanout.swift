import SwarmClient

extension Runner {
    /// N members of one channel, K of them posting at a paced total rate; every member measures
    /// the end-to-end latency of every message.
    func fanout() async throws -> Summary {
        let failures = Tally()
        let (setup, created) = try await prepare(users: users ?? connections, failures: failures)
        let channel = try await setup.createChannel("load-\(setup.run)", members: created)
        let before = serverSample()
        // The senders post through SwarmConnection and read their own frames raw; the other
        // members are lean receivers unless --async-client (then SwarmConnections too).
        let outcome = await openConnections(asyncClient ? connections : senders, users: created, keepRaw: true, failures: failures)
        let window = Window()
        // With --senders-url the senders' own copies (another node) are read but not measured.
        let unmeasured = Window()
        let lean = asyncClient ? nil : await openLean(connections - senders, from: senders, what: "receivers", failures: failures) {
            [created] slot, request, loop in
            LeanReceiver(token: created[slot % created.count].token, window: window, upgradeRequest: request, loop: loop)
        }
        let measuredCount = (sendersURL == nil ? outcome.members.count : outcome.members.count - senders) + (lean?.open.count ?? 0)
        let receivers = outcome.members.enumerated().map { i, m in
            Task { await Receiver.run(m.conn, window: sendersURL != nil && i < senders ? unmeasured : window) }
        }
        guard outcome.members.count >= senders else {
            window.setClosing()
            await LeanConnections.closeAll(lean?.channels ?? [])
            await Connections.closeAll(outcome.members.map(\.conn) + [setup.admin])
            throw LoadError("only \(outcome.members.count) connections opened, fewer than --senders \(senders): \(failures.snapshot)")
        }

        let start = LoadClock.nanos() + 200_000_000
        let measureFrom = start + Self.nanos(warmup)
        let end = measureFrom + Self.nanos(duration)
        window.setMeasureFrom(measureFrom)
        let startSamples = samples(at: measureFrom)
        note("posting \(rate) posts/s from \(senders) senders for \(warmup) + \(duration) s")
        let posts = await withTaskGroup(of: SenderResult.self) { group in
            for k in 0..<senders {
                let sender = PacedSender(
                    conn: outcome.members[k].conn, channel: channel.id, number: k, of: senders, rate: rate / Double(senders),
                    startNanos: start, endNanos: end, window: window, bodyBytes: bodyBytes,
                    maxInflight: max(1, maxInflight / senders), failures: failures)
                group.addTask { await sender.run() }
            }
            var all = SenderResult()
            for await r in group { all.merge(r) }
            return all
        }
        let endSamples = (serverSample(), ProcessStats.sampleSelf())

        let expected = posts.acked * measuredCount
        await drain(window, expected: expected)
        window.setClosing()
        unmeasured.setClosing()
        let leanResults = await LeanConnections.results(lean?.open ?? [])
        await LeanConnections.closeAll(lean?.channels ?? [])
        await Connections.closeAll(outcome.members.map(\.conn) + [setup.admin])

        var latency = Histogram()
        var delivered = 0
        var lastDelivery: Int64 = 0
        let disconnects = Tally()
        var results = leanResults
        for task in receivers { results.append(await task.value) }
        for r in results {
            latency.merge(r.latency)
            delivered += r.delivered
            lastDelivery = max(lastDelivery, r.lastDeliveryNanos)
            if let ended = r.endedEarly { disconnects.add(ended) }
        }
        let (serverStart, toolStart) = await startSamples.value
        var summary = Summary(mode: "fanout", run: setup.run, connected: outcome.members.count + (lean?.open.count ?? 0),
                              seconds: outcome.seconds + (lean?.seconds ?? 0), requested: connections, errors: failures)
        summary.senders = senders
        summary.targetRate = rate
        summary.durationSeconds = duration
        summary.setPosts(posts, seconds: duration)
        // Deliveries that trail the last post still count, over the longer span they took.
        let span = max(duration, Double(lastDelivery - measureFrom) / 1e9)
        summary.setDelivery(latency, delivered: delivered, expected: expected, seconds: span)
        summary.disconnects = disconnects.snapshot
        summary.setServer(pid: serverPid, before: before, start: serverStart, end: endSamples.0)
        summary.setTool(start: toolStart, end: endSamples.1)
        return summary
    }

    /// Waits until every expected delivery arrived, nothing arrived for 3 s, or --drain-timeout.
    func drain(_ window: Window, expected: Int) async {
        let deadline = LoadClock.nanos() + Self.nanos(drainTimeout)
        var seen = window.delivered.current
        var lastProgress = LoadClock.nanos()
        while window.delivered.current < expected {
            let now = LoadClock.nanos()
            if now >= deadline || now - lastProgress >= 3_000_000_000 { break }
            try? await Task.sleep(for: .milliseconds(100))
            let current = window.delivered.current
            if current != seen {
                seen = current
                lastProgress = LoadClock.nanos()
            }
        }
    }
}
