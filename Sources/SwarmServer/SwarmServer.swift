import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SwarmCore
import SwarmProtocol
import SwarmStore

/// A running swarmd: HTTP routes and the WebSocket endpoint on one port, the store, the hub and
/// the maintenance loop. Tests start it in-process on port 0; the `swarmd serve` command runs it
/// until SIGTERM/SIGINT.
public final class SwarmServer: Sendable {
    public let port: Int
    public let store: SQLiteStore
    let core: ServerCore
    let group: ServiceGroup
    let running: Task<Void, any Error>

    /// `slaClock` replaces the clock the SLA rules read (tests; nil: the system clock).
    public static func start(_ config: ServerConfig, logger: Logger = Logger(label: "swarmd"), handleSignals: Bool = false,
                             slaClock: (@Sendable () -> Date)? = nil) async throws -> SwarmServer {
        try config.validate()
        ServerMetrics.bootstrap()
        let store = try await SQLiteStore.connect(config.storeOptions(), logger: logger)
        store.sla.configure(SLASettings(policies: config.slaPolicies, slaHours: config.slaHours, warningShare: config.slaWarningShare,
                                        staleAlertHours: config.slaStaleAlertHours))
        if let slaClock { store.sla.setClock(slaClock) }
        let listener = config.clusterListener(logger: logger)
        let hub = Hub(memberships: try await store.allMemberships(), logger: logger, cluster: listener == nil ? nil : ClusterOutbox(),
                      holdFrom: config.deliveryTickMinMembers)
        store.committer.setOnCommit { batch in
            // Rounds start after the batch's requests resume, so a post's reply shares its event's write.
            let rounds = DeferredRounds()
            hub.publish(batch.events, deferring: rounds)
            // A read of other nodes' events (no jobs) is not a commit.
            if batch.jobs > 0 {
                ServerMetrics.commitLatency.recordNanoseconds(Int64(batch.seconds * 1e9))
                ServerMetrics.commitBatch.record(batch.jobs)
            }
            return rounds.start
        }
        store.committer.setNotifyOnCommit(config.notifiesLog)
        // Read after the hub sees every commit: a resume from before this head replays.
        hub.notePublished(through: try await store.head())
        let core = ServerCore(store: store, hub: hub, config: config, logger: logger)
        let rescored = try await store.configureQueue(config.queue.rules(dedicatedAccounts: core.dedicatedAccounts))
        if rescored > 0 { logger.notice("queue: re-scored cases for the current [queue] settings", metadata: ["cases": "\(rescored)"]) }

        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: HTTPRoutes.router(core),
            server: .sessions(core: core, idleTimeout: .seconds(config.httpIdleTimeoutSeconds), gate: core.gate,
                              headerTimeout: .seconds(Int64(config.headerTimeoutSeconds)), logger: logger),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: ProtocolInfo.server),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: logger)
        // Shut down in reverse order: the tail goes on feeding open sockets until just before
        // the HTTP server stops, after Maintenance has closed them.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: app), .init(service: LogTailService(wakeups: config.logWakeups(listener: listener), committer: store.committer)),
            .init(service: Maintenance(core: core)), .init(service: core.slaScheduler)]
        // PostgreSQL: last, so on shutdown it leaves the cluster first (its users go offline elsewhere at once).
        if let node = clusterNode(core, listener: listener) {
            await node.join()
            services.append(.init(service: node))
        }
        var groupConfig = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
            logger: logger)
        // A backstop only: Maintenance cuts every socket after the grace period, so the HTTP
        // server's own drain should never need cancelling.
        groupConfig.maximumGracefulShutdownDuration = .seconds(config.shutdownGraceSeconds + config.closeTimeoutSeconds + 10)
        let group = ServiceGroup(configuration: groupConfig)
        let running = Task {
            // A group that ends before the server listened (the port is taken, say) ends the wait
            // for the port too: without this, the start waited for ever, and the signal handlers
            // the group had installed kept SIGTERM from ending the process.
            defer { portSink.finish() }
            try await group.run()
        }
        var port = 0
        for await p in ports { port = p }
        guard port > 0 else {
            await group.triggerGracefulShutdown()
            // The group's error says why (a bind that failed, say).
            let why = if case .failure(let error) = await running.result { ": \(error)" } else { "" }
            await store.close()
            throw SwarmError(.internal, "server did not start on \(config.host):\(config.port)\(why)")
        }
        core.ready.store(true, ordering: .relaxed)
        var metadata: Logger.Metadata = ["address": "\(config.host):\(port)", "db": "\(config.storageDescription)"]
        // Read back from the writer at open (`SQLiteStore.open` refuses to start otherwise).
        if config.storageBackend != "postgres" { metadata["synchronous"] = "\(config.synchronous.lowercased())" }
        logger.notice("swarmd listening", metadata: metadata)
        return SwarmServer(port: port, store: store, core: core, group: group, running: running)
    }

    /// On PostgreSQL: presence, typing and rate limits across the nodes (nil on SQLite).
    static func clusterNode(_ core: ServerCore, listener: PostgresListener?) -> ClusterNode? {
        guard let listener, let outbox = core.hub.cluster else { return nil }
        let config = core.config
        let state = PostgresClusterState(location: listener.location, node: core.nodeId,
                                         nodeTimeoutMilliseconds: Int64(config.clusterNodeTimeoutMilliseconds),
                                         timeouts: config.postgresTimeouts, logger: core.logger)
        return ClusterNode(id: core.nodeId, state: state, listener: listener, outbox: outbox, hub: core.hub, limiter: core.limiter,
                           committer: core.store.committer, heartbeat: .milliseconds(config.clusterHeartbeatMilliseconds), logger: core.logger)
    }

    init(port: Int, store: SQLiteStore, core: ServerCore, group: ServiceGroup, running: Task<Void, any Error>) {
        self.port = port
        self.store = store
        self.core = core
        self.group = group
        self.running = running
    }

    /// Runs the SLA scheduler now (tests, after moving the injected clock).
    public func wakeSLAScheduler() { core.slaScheduler.wake() }

    /// One scheduler pass, awaited (tests that check nothing is due yet); returns alerts fired.
    @discardableResult
    public func runSLAPass() async throws -> Int { try await store.fireDueSLAAlerts(leadsChannel: core.config.slaLeadsChannel) }

    /// Open WebSocket connections (for tests and diagnostics).
    public var connectionCount: Int { core.hub.connectionCount }

    /// Connection objects and drains still in memory, open or not (tests: each closed one is freed).
    public var liveConnectionObjects: Int { core.liveObjects.value }

    /// Socket writes (one flush each) and text frames the sessions wrote so far (tests, diagnostics).
    public var outboundWrites: (writes: Int, frames: Int) { (core.outboundWrites.writes, core.outboundWrites.frames) }

    /// Waits until a signal (or `stop`) ends the server, then finishes the shutdown.
    public func wait() async throws {
        let result = await running.result
        await finish()
        try result.get()
    }

    /// Closes every socket with 1001, stops accepting, flushes queued writes, closes the store.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await running.result
        await finish()
    }

    private func finish() async {
        core.ready.store(false, ordering: .relaxed)
        // Every socket is closed by now (Maintenance); a request or replay still running finishes
        // before the store closes under it.
        let left = await core.tasks.close(waitingUntil: .now + .seconds(10))
        if left > 0 { core.logger.error("requests still running at shutdown; closing the store under them", metadata: ["tasks": "\(left)"]) }
        core.cancelCut()
        await store.close()
    }

}

/// Background chores: drop events older than the retention period every hour (events other
/// processes wrote are read by `LogTailService`). On shutdown (it is the first service to
/// be told), refuses new connections, sends every socket a 1001 close, waits at most
/// `server.shutdown_grace_seconds` for them to end and cuts the rest, so the HTTP server's drain
/// that follows is bounded whatever the clients do.
struct Maintenance: Service {
    let core: ServerCore

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastPrune = ContinuousClock.now - .seconds(3600)
            while !Task.isCancelled {
                if ContinuousClock.now - lastPrune >= .seconds(3600) {
                    lastPrune = ContinuousClock.now
                    let cutoff = Timestamp.cutoff(days: core.config.retentionDays)
                    do {
                        let n = try await core.store.pruneEvents(olderThan: cutoff)
                        if n > 0 { core.logger.info("pruned event log", metadata: ["events": "\(n)"]) }
                    } catch {
                        core.logger.error("pruning failed", metadata: ["error": "\(error)"])
                    }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        core.ready.store(false, ordering: .relaxed)
        core.stopping.store(true, ordering: .sequentiallyConsistent)
        core.gate.shutDown()
        core.hub.closeAll(code: CloseCode.goingAway, reason: "server shutting down")
        let deadline = ContinuousClock.now + .seconds(core.config.shutdownGraceSeconds)
        // Whatever is still open at the deadline (HTTP connections included) is cut; the HTTP
        // server's drain, which starts when this service returns, closes idle HTTP ones sooner
        // (it does not wait for WebSockets: they are channel handlers, not its tasks).
        core.cutAll(at: deadline)
        // Cut here too, not only by the deadline's task: the HTTP server no longer waits for
        // WebSocket connections, so the server could stop (and cancel that task) first.
        if await !core.hub.waitUntilEmpty(until: deadline) {
            let cut = core.gate.cutAll()
            core.logger.notice("shutdown grace period over; cut the remaining connections", metadata: ["connections": "\(cut)"])
        }
    }
}
