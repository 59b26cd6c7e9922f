import Foundation
import NIOCore
import NIOPosix

/// Opens and drives `LeanSocket`s: one channel each on NIO's shared event loops.
enum LeanConnections {
    struct Opened: Sendable {
        /// In slot order; nil where the connection failed.
        var slots: [Channel?]
        var seconds: Double
        var channels: [Channel] { slots.compactMap { $0 } }
        var failed: Int { slots.count - channels.count }
    }

    /// Opens `count` connections, at most `limit` handshakes at a time; slot i goes to `url(i)`
    /// with the handler `make(i, request, loop)` returns. Returns once each one's `hello` has been
    /// answered (or it failed).
    static func open<Socket: LeanSocket>(
        _ count: Int, url: @escaping @Sendable (Int) -> String, limit: Int, failures: Tally,
        _ make: @escaping @Sendable (Int, String, EventLoop) -> Socket
    ) async -> Opened {
        let started = LoadClock.nanos()
        let slots = await concurrently(count, limit: limit) { i -> Channel? in
            let url = url(i)
            guard let target = URL(string: url), target.scheme == "ws", let host = target.host else {
                failures.add("connect: not a ws:// URL: \(url)")
                return nil
            }
            let port = target.port ?? 80
            let request = LeanFrames.upgradeRequest(host: host, port: port, path: target.path.isEmpty ? "/" : target.path)
            let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(make(i, request, channel.eventLoop))
                    }
                }
            do {
                let channel = try await bootstrap.connect(host: host, port: port).get()
                try await on(channel, Socket.self) { $0.ready.futureResult }.get()
                return channel
            } catch {
                failures.add("connect " + Tally.short("\(error)"))
                return nil
            }
        }
        return Opened(slots: slots.map { $0 ?? nil }, seconds: Double(LoadClock.nanos() - started) / 1e9)
    }

    /// Starts every sender's loop and waits for each one's tally.
    static func post(_ channels: [Channel], startNanos: Int64, measureFrom: Int64, endNanos: Int64) async -> SenderResult {
        var all = SenderResult()
        let results = channels.map { channel in
            on(channel, LeanAckSender.self) { sender in
                sender.start(atNanos: startNanos, measureFrom: measureFrom, endNanos: endNanos)
                return sender.finished.futureResult
            }
        }
        for result in results {
            if let r = try? await result.get() { all.merge(r) }
        }
        return all
    }

    /// Each receiver's tally, read on its event loop.
    static func results(_ channels: [Channel]) async -> [ReceiverResult] {
        var all: [ReceiverResult] = []
        for channel in channels {
            let loop = channel.eventLoop
            if let r = try? await on(channel, LeanReceiver.self, { loop.makeSucceededFuture($0.result) }).get() {
                all.append(r)
            }
        }
        return all
    }

    static func closeAll(_ channels: [Channel]) async {
        for channel in channels { try? await channel.close() }
    }

    /// Runs `body` on the channel's event loop with its handler.
    private static func on<Socket: LeanSocket, T: Sendable>(
        _ channel: Channel, _ type: Socket.Type, _ body: @escaping @Sendable (Socket) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T> {
        channel.eventLoop.flatSubmit {
            do {
                return body(try channel.pipeline.syncOperations.handler(type: Socket.self))
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
    }
}
