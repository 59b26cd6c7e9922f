import Foundation
import NIOCore
import NIOPosix

/// Opens and drives `LeanSocket`s: one channel each on NIO's shared event loops.
enum LeanConnections {
    /// An open connection and its handler, which stays readable after the channel closed (NIO
    /// takes closed channels' handlers out of the pipeline, results and all).
    struct Open<Socket: LeanSocket>: Sendable {
        var channel: any Channel
        var socket: NIOLoopBound<Socket>

        /// Runs `body` on the channel's event loop with its handler.
        func on<T: Sendable>(_ body: @escaping @Sendable (Socket) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
            let socket = socket
            return channel.eventLoop.flatSubmit { body(socket.value) }
        }
    }

    struct Opened<Socket: LeanSocket>: Sendable {
        var open: [Open<Socket>]
        var failed: Int
        var seconds: Double
        var channels: [any Channel] { open.map(\.channel) }
    }

    /// Opens `count` connections, at most `limit` handshakes at a time; slot i goes to `url(i)`
    /// with the handler `make(i, request, loop)` returns. Returns once each one's `hello` has been
    /// answered (or it failed), in slot order.
    static func open<Socket: LeanSocket>(
        _ count: Int, url: @escaping @Sendable (Int) -> String, limit: Int, failures: Tally,
        _ make: @escaping @Sendable (Int, String, EventLoop) -> Socket
    ) async -> Opened<Socket> {
        let started = LoadClock.nanos()
        let slots = await concurrently(count, limit: limit) { i -> Open<Socket>? in
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
                let socket = try await channel.eventLoop.submit {
                    NIOLoopBound(try channel.pipeline.syncOperations.handler(type: Socket.self), eventLoop: channel.eventLoop)
                }.get()
                let open = Open(channel: channel, socket: socket)
                try await open.on { $0.ready.futureResult }.get()
                return open
            } catch {
                failures.add("connect " + Tally.short("\(error)"))
                return nil
            }
        }
        let open = slots.compactMap { $0 }
        return Opened(open: open, failed: count - open.count, seconds: Double(LoadClock.nanos() - started) / 1e9)
    }

    /// Starts every sender's loop and waits for each one's tally (a sender that failed before it
    /// could start counts nothing and goes to the tally).
    static func post(_ senders: [Open<LeanAckSender>], startNanos: Int64, measureFrom: Int64, endNanos: Int64,
                     failures: Tally) async -> SenderResult {
        var all = SenderResult()
        let results = senders.map { sender in
            sender.on { s in
                s.start(atNanos: startNanos, measureFrom: measureFrom, endNanos: endNanos)
                return s.finished.futureResult
            }
        }
        for result in results {
            do { all.merge(try await result.get()) } catch { failures.add("message.post " + Tally.short("\(error)")) }
        }
        return all
    }

    /// Each receiver's tally, read on its event loop (also for those whose channel closed early).
    static func results(_ receivers: [Open<LeanReceiver>]) async -> [ReceiverResult] {
        var all: [ReceiverResult] = []
        for receiver in receivers {
            let loop = receiver.channel.eventLoop
            if let r = try? await receiver.on({ loop.makeSucceededFuture($0.result) }).get() { all.append(r) }
        }
        return all
    }

    /// Closes them all, up to `limit` closes in flight at once.
    static func closeAll(_ channels: [any Channel], limit: Int = 256) async {
        _ = await concurrently(channels.count, limit: limit) { i -> Bool? in
            try? await channels[i].close()
            return nil
        }
    }
}
