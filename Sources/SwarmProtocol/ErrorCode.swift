/// The closed set of error codes a reply may carry. Clients switch on these; never add one
/// without documenting it in protocol/PROTOCOL.md.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    case badRequest = "bad_request"
    case unauthorized
    case forbidden
    case notFound = "not_found"
    case conflict
    case tooLarge = "too_large"
    case rateLimited = "rate_limited"
    case unsupported
    case resyncRequired = "resync_required"
    /// The server cannot write its database (disk full, I/O error); retry later.
    case unavailable
    case `internal`
}

/// The one error type that crosses the wire. Anything else thrown inside the server is logged
/// and reported as `internal` without its text.
public struct SwarmError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func badRequest(_ m: String) -> SwarmError { .init(.badRequest, m) }
    public static func forbidden(_ m: String) -> SwarmError { .init(.forbidden, m) }
    public static func notFound(_ m: String) -> SwarmError { .init(.notFound, m) }
    public static func conflict(_ m: String) -> SwarmError { .init(.conflict, m) }
}

/// WebSocket close codes the server uses (RFC 6455 §7.4.1 and private ones).
public enum CloseCode {
    /// The handshake ended normally.
    public static let normal: UInt16 = 1000
    /// The client broke the WebSocket protocol (a bad frame, a fragment out of place).
    public static let protocolError: UInt16 = 1002
    /// A text message that is not valid UTF-8.
    public static let invalidText: UInt16 = 1007
    /// Wrong, unknown or revoked token.
    public static let unauthorized: UInt16 = 4001
    /// Client failed to send `hello` in time.
    public static let helloTimeout: UInt16 = 4002
    /// The client read too slowly and its outbound queue overflowed; resume with `hello {after}`.
    public static let slowConsumer: UInt16 = 4008
    /// The server is shutting down; reconnect later.
    public static let goingAway: UInt16 = 1001
    /// Frame above the hard limit; the socket is closed.
    public static let tooBig: UInt16 = 1009
}
