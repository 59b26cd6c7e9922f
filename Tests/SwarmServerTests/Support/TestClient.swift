import Foundation
import SwarmClient
import SwarmProtocol

/// A connected user for tests: sends typed requests and waits for events with a deadline
/// (never by sleeping and checking).
final class TestClient: Sendable {
    let conn: SwarmConnection
    let inbox: Inbox
    let token: String
    let url: String

    static func connect(url: String, token: String, after: Int64? = nil, presence: Bool = false) async throws -> TestClient {
        let conn = try await SwarmConnection.connect(url: url, hello: HelloRequest(token: token, client: "tests", after: after, presence: presence))
        return TestClient(conn: conn, token: token, url: url)
    }

    init(conn: SwarmConnection, token: String, url: String) {
        self.conn = conn
        self.token = token
        self.url = url
        self.inbox = Inbox()
        let inbox = self.inbox
        let events = conn.events
        Task {
            for await frame in events { await inbox.add(frame) }
            await inbox.finish()
        }
    }

    var userId: String { conn.hello!.user.id }
    var name: String { conn.hello!.user.name }

    func request<T: Encodable & Sendable>(_ op: Op, _ data: T) async throws -> JSONValue {
        try await conn.request(op.rawValue, data)
    }

    func request<T: Encodable & Sendable, R: Decodable>(_ op: Op, _ data: T, as type: R.Type) async throws -> R {
        try await conn.request(op.rawValue, data, as: type)
    }

    /// The error code a request is refused with (nil when it succeeded).
    func refusal<T: Encodable & Sendable>(_ op: Op, _ data: T) async throws -> ErrorCode? {
        let frame = try await conn.send(op.rawValue, data)
        return frame.ok == true ? nil : frame.error?.code
    }

    func post(_ channel: String, _ body: String, thread: String? = nil, key: String? = nil) async throws -> Message {
        try await request(.messagePost, MessagePostRequest(channel: channel, body: body, thread: thread, idempotencyKey: key), as: Message.self)
    }

    func createChannel(_ name: String, kind: ChannelKind = .public, members: [String] = []) async throws -> Channel {
        try await request(.channelCreate, ChannelCreateRequest(name: name, kind: kind, members: members), as: Channel.self)
    }

    /// The next event called `name` (and matching `where`), waiting at most `seconds`.
    @discardableResult
    func event(_ name: String, seconds: Double = 30, where predicate: @escaping @Sendable (ServerFrame) -> Bool = { _ in true }) async throws -> ServerFrame {
        try await inbox.take(seconds: seconds, what: name) { $0.ev == name && predicate($0) }
    }

    /// The next frame of any kind that is not a reply to a request.
    func frame(seconds: Double = 30) async throws -> ServerFrame {
        try await inbox.take(seconds: seconds, what: "any frame") { _ in true }
    }

    /// Events received so far that have not been taken.
    func pending(_ name: String) async -> [ServerFrame] { await inbox.peek { $0.ev == name } }

    func close() async { await conn.close() }
}

/// Frames received but not yet taken by the test, plus tests waiting for one.
actor Inbox {
    private var frames: [ServerFrame] = []
    private var waiters: [Int: (predicate: @Sendable (ServerFrame) -> Bool, cont: CheckedContinuation<ServerFrame, any Error>)] = [:]
    private var nextWaiter = 0
    private var ended = false

    func add(_ frame: ServerFrame) {
        for (id, w) in waiters.sorted(by: { $0.key < $1.key }) where w.predicate(frame) {
            waiters[id] = nil
            w.cont.resume(returning: frame)
            return
        }
        frames.append(frame)
    }

    func finish() {
        ended = true
        for w in waiters.values { w.cont.resume(throwing: SwarmConnection.Closed(code: nil, reason: "connection ended")) }
        waiters = [:]
    }

    func peek(_ predicate: (ServerFrame) -> Bool) -> [ServerFrame] { frames.filter(predicate) }

    func take(seconds: Double, what: String, _ predicate: @escaping @Sendable (ServerFrame) -> Bool) async throws -> ServerFrame {
        if let i = frames.firstIndex(where: predicate) { return frames.remove(at: i) }
        if ended { throw SwarmConnection.Closed(code: nil, reason: "connection ended before \(what)") }
        let id = nextWaiter
        nextWaiter += 1
        let deadline = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            await self?.expire(id, what: what)
        }
        defer { deadline.cancel() }
        return try await withCheckedThrowingContinuation { cont in
            waiters[id] = (predicate, cont)
        }
    }

    private func expire(_ id: Int, what: String) {
        waiters.removeValue(forKey: id)?.cont.resume(throwing: Timeout(what: what))
    }
}

extension ServerFrame {
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try (data ?? .null).decode(T.self) }
}

extension TestClient {
    /// Every message body of `channel`, oldest first, paging through `history` to its start.
    func allBodies(in channel: String) async throws -> [String] {
        var bodies: [String] = []
        var before: String?
        repeat {
            let page = try await request(.history, HistoryRequest(channel: channel, before: before, limit: 200), as: HistoryReply.self)
            bodies.insert(contentsOf: page.messages.map(\.body), at: 0)
            before = page.nextBefore
        } while before != nil
        return bodies
    }
}
