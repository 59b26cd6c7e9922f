import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Each accepted connection: HTTP/1 for the routes, or the `/v1/ws` upgrade, after which the
/// WebSocket session runs in channel handlers (`SessionHandler`) and no task waits for it.
///
/// Why not Hummingbird's WebSocket channel: it hands the upgraded socket to an async handler
/// that lives as long as the connection (with its ping loop and the session's own tasks), and
/// tasks cost kilobytes each for as long as they wait. Plain HTTP requests are served as
/// Hummingbird serves them (`handleHTTP`).
struct SessionChannel: ServerChildChannel, HTTPChannelHandler {
    enum Upgrade: Sendable {
        /// The session's handlers are in the pipeline; nothing to wait for.
        case webSocket
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// An upgrade request the server does not take (another path or method): 400.
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let upgrade: EventLoopFuture<Upgrade>
        let channel: any Channel
    }

    static let path = "/v1/ws"

    let responder: HTTPChannelHandler.Responder
    let core: ServerCore
    let idleTimeout: Duration?

    /// `/v1/ws`, with or without a trailing slash or a query.
    static func isSessionPath(_ uri: String) -> Bool {
        let path = uri.prefix { $0 != "?" }
        return path == Self.path || path == Self.path + "/"
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let attempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let core = self.core
            let upgrader = NIOTypedWebSocketServerUpgrader<Upgrade>(
                maxFrameSize: core.config.hardFrameBytes,
                shouldUpgrade: { channel, head in
                    attempted.value = true
                    return channel.eventLoop.makeSucceededFuture(head.method == .GET && Self.isSessionPath(head.uri) ? HTTPHeaders() : nil)
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        let header = head.headers.first(name: "Authorization")
                        let token = header.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
                        let session = Session(core: core, headerToken: token, channel: channel, onHello: { core.gate.authenticated(channel) })
                        let config = core.config
                        try channel.pipeline.syncOperations.addHandler(SessionHandler(
                            session: session, maxMessageBytes: config.hardFrameBytes,
                            pingInterval: config.pingIntervalSeconds > 0 ? .seconds(Int64(config.pingIntervalSeconds)) : nil,
                            closeTimeout: .seconds(Int64(config.closeTimeoutSeconds))))
                        return .webSocket
                    }
                })
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration<Upgrade>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { [idleTimeout] channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: idleTimeout, logger: logger))
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        return attempted.value ? .refused(http) : .http(http)
                    }
                })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Upgrade>(upgradeConfiguration: upgrade)
            configuration.enablePipelining = false   // one request at a time, as Hummingbird serves them
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            let result = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            return Value(upgrade: result, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgrade.get() {
            case .webSocket:
                return
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http):
                logger.debug("websocket upgrade refused")
                try await http.executeThenClose { _, outbound in
                    let head = HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
                    try await outbound.write(contentsOf: [.head(head), .end(nil)])
                }
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("connection closed before its request was read")
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the `/v1/ws` upgrade, behind the connection gate.
    static func sessions(core: ServerCore, idleTimeout: Duration?, gate: ConnectionGate, headerTimeout: TimeAmount, logger: Logger) -> HTTPServerBuilder {
        .init { responder in
            GatedChannel(inner: SessionChannel(responder: responder, core: core, idleTimeout: idleTimeout),
                         gate: gate, headerTimeout: headerTimeout, logger: logger)
        }
    }
}
