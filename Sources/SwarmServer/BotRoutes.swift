import Foundation
import Hummingbird
import Logging
import NIOCore
import SwarmProtocol
import SwarmStore

/// HTTP for bots that would rather not hold a WebSocket open: one request, one JSON reply.
/// Same tokens, same access checks (`Session.checkAccess`, then the store's per-case checks) and
/// the same store calls as the socket ops, so events fan out to WebSocket clients identically.
enum BotRoutes {
    static func add(to router: Router<BasicRequestContext>, core: ServerCore) {
        router.post("/v1/cases/interactions") { request, _ in
            await handle(request, op: .caseInteraction, core: core) { p, body in
                Wire.encode(HTTPReply(data: try await CaseOps.interaction(core, p, try decode(InteractionRequest.self, body))))
            }
        }
        router.post("/v1/cases/link-ticket") { request, _ in
            await handle(request, op: .caseLinkTicket, core: core) { p, body in
                Wire.encode(HTTPReply(data: try await CaseOps.linkTicket(core, p, try decode(CaseTicketRequest.self, body))))
            }
        }
        // Survey bridges answer with one POST per response (PROTOCOL §25).
        router.post("/v1/cases/csat") { request, _ in
            await handle(request, op: .caseCsat, core: core) { p, body in
                Wire.encode(HTTPReply(data: try await core.store.csat(p, try decode(CaseCSATRequest.self, body))))
            }
        }
    }

    /// Authenticates, reads the body within the frame limit, runs `body` and turns every outcome
    /// into a JSON response with the matching status. Each refusal is logged and counted.
    static func handle(_ request: Request, op: Op, core: ServerCore,
                       _ run: @Sendable (Principal, Data) async throws -> String) async -> Response {
        var logger = core.logger
        logger[metadataKey: "http"] = "\(request.method) \(request.uri.path)"
        do {
            guard let token = bearerToken(request.headers[.authorization]),
                  let (principal, _) = try await core.store.authenticate(token: token) else {
                throw SwarmError(.unauthorized, "send Authorization: Bearer <token> with a live token")
            }
            logger[metadataKey: "user"] = "\(principal.name)"
            guard core.limiter.allow(RateLimiter.key(principal), now: Session.seconds()) else {
                throw SwarmError(.rateLimited, "over \(core.config.opsPerSecond) requests per second for this token; retry later")
            }
            try Session.checkAccess(principal, op)
            if let type = request.headers[.contentType], !isJSON(type) {
                return refuse(.badRequest("send the body as Content-Type: application/json"), op: op, logger: logger, status: .unsupportedMediaType)
            }
            let limit = core.config.maxFrameBytes
            // Refuse a declared oversize body before reading any of it.
            if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge(limit) }
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: limit) } catch is NIOTooManyBytesError { throw tooLarge(limit) }
            let json = try await run(principal, Data(buffer.readableBytesView))
            ServerMetrics.op(op, "ok")
            return response(.ok, json)
        } catch let error as SwarmError {
            return refuse(error, op: op, logger: logger)
        } catch let error as DecodingError {
            return refuse(.badRequest(describe(error)), op: op, logger: logger)
        } catch let error where StorageHealth.isStorageFailure(error) {
            return refuse(StorageHealth.unavailable, op: op, logger: logger)
        } catch {
            logger.error("http request failed", metadata: ["op": "\(op.rawValue)", "error": "\(error)"])
            ServerMetrics.op(op, ErrorCode.internal.rawValue)
            return response(.internalServerError, Wire.encode(HTTPReply<Empty>(error: SwarmError(.internal, "internal error"))))
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
        try JSONDecoder().decode(T.self, from: body)
    }

    /// The token of `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 7235).
    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// `application/json` or a `+json` type, with any parameters; a missing Content-Type is taken
    /// as JSON, since the body is parsed as JSON either way.
    static func isJSON(_ contentType: String) -> Bool {
        let type = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    static func tooLarge(_ limit: Int) -> SwarmError { SwarmError(.tooLarge, "body is over \(limit) bytes") }

    /// Like `Wire.describe`, but the body itself is the data, and a syntax error says so.
    static func describe(_ error: DecodingError) -> String {
        if case .dataCorrupted(let ctx) = error, ctx.codingPath.isEmpty { return "the body is not valid JSON" }
        let why = Wire.describe(error)
        return why.hasPrefix("data: ") ? "the body: " + why.dropFirst(6) : why
    }

    static func refuse(_ error: SwarmError, op: Op, logger: Logger, status: HTTPResponse.Status? = nil) -> Response {
        logger.info("http request refused", metadata: ["op": "\(op.rawValue)", "code": "\(error.code.rawValue)", "why": "\(LogSafe.redact(error.message))"])
        ServerMetrics.op(op, error.code.rawValue)
        var response = response(status ?? Self.status(error.code), Wire.encode(HTTPReply<Empty>(error: error)))
        if error.code == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if error.code == .unavailable { response.headers[.retryAfter] = "5" }
        return response
    }

    static func status(_ code: ErrorCode) -> HTTPResponse.Status {
        switch code {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict, .resyncRequired: .conflict
        case .tooLarge: .contentTooLarge
        case .rateLimited: .tooManyRequests
        case .unsupported: .notImplemented
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    static func response(_ status: HTTPResponse.Status, _ json: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json + "\n")))
    }
}

/// `{"ok": true, "data": …}` or `{"ok": false, "error": {"code", "message"}}`: a reply frame
/// without `re`, since HTTP pairs the answer with its request.
struct HTTPReply<T: Encodable & Sendable>: Encodable, Sendable {
    var ok: Bool
    var data: T?
    var error: SwarmError?

    init(data: T) { (ok, self.data, error) = (true, data, nil) }
    init(error: SwarmError) { (ok, data, self.error) = (false, nil, error) }
}
