import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of `/v1/ws`: Hummingbird's basic one plus the TCP channel, so a session
/// can cut its socket when the client ignores the close handshake.
struct SocketContext: Hummingbird.RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
