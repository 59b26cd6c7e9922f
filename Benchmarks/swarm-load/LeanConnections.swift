import Foundation
import NIOCore
import NIOPosix

/// Opens and drives `LeanAckSender`s: one channel each on NIO's shared event loops.
enum LeanConnections {
    struct Opened: Sendable {
        var channels: [Channel]
        var failed: Int
        var seconds: Double
    }

    /// Opens one sender per plan, at most `limit` handshakes at a time; returns once each has
    /// been answered its `hello` (or failed).
    static func open(_ plans: [LeanAckSender.Plan], limit: Int, failures: Tally) async -> Opened {
        let started = LoadClock.nanos()
        let opened = await concurrently(plans.count, limit: limit) { i -> Channel? in
            let plan = plans[i]
            guard let target = URL(string: plan.url), target.scheme == "ws", let host = target.host else {
                failures.add("connect: not a ws:// URL: \(plan.url)")
                return nil
            }
            let port = target.port ?? 80
            let path = target.path.isEmpty ? "/" : target.path
            let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let request = LeanFrames.upgradeRequest(host: host, port: port, path: path)
                        try channel.pipeline.syncOperations.addHandler(
                            LeanAckSender(plan: plan, upgradeRequest: request, loop: channel.eventLoop))
                    }
                }
            do {
                let channel = try await bootstrap.connect(host: host, port: port).get()
                try await onSender(channel) { $0.ready.futureResult }.get()
                return channel
            } catch {
                failures.add("connect " + Tally.short("\(error)"))
                return nil
            }
        }
        let channels = opened.compactMap { $0 }
        return Opened(channels: channels, failed: plans.count - channels.count,
                      seconds: Double(LoadClock.nanos() - started) / 1e9)
    }

    /// Starts every sender's loop and waits for each one's tally.
    static func run(_ channels: [Channel], startNanos: Int64, measureFrom: Int64, endNanos: Int64) async -> SenderResult {
        var all = SenderResult()
        let results = channels.map { channel in
            onSender(channel) { sender in
                sender.start(atNanos: startNanos, measureFrom: measureFrom, endNanos: endNanos)
                return sender.finished.futureResult
            }
        }
        for result in results {
            if let r = try? await result.get() { all.merge(r) }
        }
        return all
    }

    static func closeAll(_ channels: [Channel]) async {
        for channel in channels { try? await channel.close() }
    }

    /// Runs `body` on the channel's event loop with its sender.
    private static func onSender<T: Sendable>(
        _ channel: Channel, _ body: @escaping @Sendable (LeanAckSender) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T> {
        channel.eventLoop.flatSubmit {
            do {
                return body(try channel.pipeline.syncOperations.handler(type: LeanAckSender.self))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
    }
}
