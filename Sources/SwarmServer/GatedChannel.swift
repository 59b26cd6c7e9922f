import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// The HTTP/1 + WebSocket child channel (`SessionChannel`) behind the connection gate: each accepted
/// socket is admitted (or refused with 503) and gets the raw-bytes guard in front of the HTTP
/// decoder, and the head watcher right behind it, before any of its bytes are read.
struct GatedChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let gate: ConnectionGate
    let headerTimeout: TimeAmount
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let refused = gate.admit(channel) != nil
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let guardHandler = RawInboundGuard(refused: refused, headerTimeout: headerTimeout, logger: self.logger)
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(guardHandler, position: .first)
            // Without the watcher the guard would never hear of an accepted head and would cut
            // every connection at the header timeout: a missing decoder fails the setup instead.
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(HeadWatcher(rawGuard: guardHandler), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
