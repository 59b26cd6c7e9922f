import NIOCore
import NIOHTTP1

/// Sits right behind the HTTP request decoder until the first request head. It tells the raw
/// guard when the decoder accepted a head (which ends the header timeout), and answers a head
/// the decoder refused with 400 and closes the connection: nothing above would, since the
/// upgrade handler waits for a head that will never come.
final class HeadWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let rawGuard: RawInboundGuard
    private var done = false

    init(rawGuard: RawInboundGuard) {
        self.rawGuard = rawGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        guard !done, case .head = unwrapInboundIn(data) else { return }
        done = true
        rawGuard.acceptedHead()
        // Its work is done; after an upgrade the pipeline carries frames, not request parts.
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !done else {
            context.fireErrorCaught(error)
            return
        }
        done = true
        // Written by the guard, below the HTTP encoder, which only takes response parts.
        rawGuard.refusedHead()
    }
}
