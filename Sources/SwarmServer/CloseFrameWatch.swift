import NIOCore
import NIOWebSocket
import Synchronization

/// Notes when a close frame passes on its way to the socket, so `OutboundDrain` and `FrameBatchWriter`
/// write no data frame after it (RFC 6455 §5.5.1: nothing follows a close).
///
/// Why it is needed: the close frame is written by `SessionHandler` (answering a client's close,
/// a ping timeout, the queue's close), the data frames by the drain and the replay's batches; a
/// write at the channel does not know a close went before it. The watch sits just behind the
/// frame encoder, where every outbound frame passes in event-loop order, so a batch that runs on
/// the loop after the close frame was written sees the flag and is dropped.
final class CloseFrameWatch: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Written and read on the channel's event loop only; atomic so the handler is `Sendable`.
    private let sent = Atomic<Bool>(false)

    var closeSent: Bool { sent.load(ordering: .relaxed) }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if unwrapOutboundIn(data).opcode == .connectionClose { sent.store(true, ordering: .relaxed) }
        context.write(data, promise: promise)
    }
}
