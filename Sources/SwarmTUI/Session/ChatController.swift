import Foundation
import SwarmClient
import SwarmProtocol

/// Owns the connection and the model: connects, resumes after drops with backoff, applies events,
/// keeps unsent lines in an outbox (each with its idempotency key, so a resend after a reconnect
/// never posts twice) and performs commands. The UI awaits `changes` and redraws from `model`.
public actor ChatController {
    public internal(set) var model = ChatModel()
    /// One element per change of `model` (coalesced); for the single UI loop that redraws.
    public nonisolated let changes: AsyncStream<Void>
    private let changeSink: AsyncStream<Void>.Continuation
    /// The nodes to use, in order (`swarm --url A,B`); the machine says which one is current.
    private let urls: [String]
    private let token: String
    var conn: SwarmConnection?
    private var machine = ReconnectMachine()
    private var runner: Task<Void, Never>?
    private var loadedOnce = false
    var lastTypingSent = Date.distantPast
    var liveSearch: Task<Void, Never>?
    var flushing = false
    var outboxSaveFailed = false
    /// What `/away` asked for; the server is told again after a reconnect.
    public internal(set) var away = false

    /// Where unacknowledged lines are kept between runs; nil keeps them in memory only.
    let outboxFile: OutboxFile?

    /// `url` may list several nodes separated by commas; the controller fails over between them.
    public init(url: String, token: String, outbox: OutboxFile? = nil) {
        let urls = NodeList.split([url])
        self.urls = urls.isEmpty ? [url] : urls
        machine.nodes = self.urls.count
        self.token = token
        outboxFile = outbox
        model.outbox = outbox?.load() ?? []
        (changes, changeSink) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    public func start() {
        guard runner == nil else { return }
        runner = Task { await self.run() }
    }

    public func stop() async {
        machine.stop("quit")
        runner?.cancel()
        await conn?.close()
        changeSink.finish()
    }

    private var waiters: [Int: (predicate: @Sendable (ChatModel) -> Bool, cont: CheckedContinuation<Bool, Never>)] = [:]
    private var nextWaiter = 0

    func changed() {
        changeSink.yield()
        for (id, w) in waiters where w.predicate(model) {
            waiters[id] = nil
            w.cont.resume(returning: true)
        }
    }

    /// Waits until the model satisfies `predicate`, at most `seconds`; false on timeout. For
    /// tests and scripts that drive the controller without a screen.
    public func waitUntil(seconds: Double, _ predicate: @escaping @Sendable (ChatModel) -> Bool) async -> Bool {
        if predicate(model) { return true }
        let id = nextWaiter
        nextWaiter += 1
        let deadline = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            await self?.expire(id)
        }
        defer { deadline.cancel() }
        return await withCheckedContinuation { waiters[id] = (predicate, $0) }
    }

    private func expire(_ id: Int) {
        waiters.removeValue(forKey: id)?.cont.resume(returning: false)
    }

    public func update(_ body: (inout ChatModel) -> Void) {
        body(&model)
        changed()
    }

    // MARK: connection loop

    private func run() async {
        var action = machine.start()
        while !Task.isCancelled {
            switch action {
            case .connect:
                model.connection = .connecting
                changed()
                action = await connectOnce()
            case .wait(let seconds):
                if case .waiting(let attempt) = machine.state {
                    model.connection = .reconnecting(attempt: attempt, inSeconds: Int(seconds.rounded(.up)))
                }
                changed()
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                action = machine.waited()
            case .stop(let why):
                model.connection = .stopped(why == "quit" ? "disconnected" : why)
                if case .stopped(let text) = machine.state { model.notice(text, .error) }
                changed()
                return
            }
        }
    }

    /// One connection from hello to close; returns what to do next.
    private func connectOnce() async -> ReconnectMachine.Action {
        let after = model.lastSeq > 0 ? model.lastSeq : nil
        let url = urls[machine.node]
        // Which node is in use matters only when there is a choice.
        model.node = urls.count > 1 ? NodeList.label(url) : nil
        let connection: SwarmConnection
        do {
            connection = try await SwarmConnection.connect(url: url, hello: HelloRequest(token: token, client: "swarm-tui", after: after, presence: true))
        } catch let error as SwarmError where error.code == .resyncRequired {
            // Too far behind the log: start over from fresh history (and counts: the log may be
            // another one, its seqs lower than those the counts were read at).
            model.lastSeq = 0
            for id in model.channels.keys { model.channels[id]?.countedThrough = 0 }
            loadedOnce = false
            return machine.lost(closeCode: nil)
        } catch let error as SwarmError where error.code == .unauthorized {
            return machine.lost(closeCode: nil, unauthorized: true)
        } catch {
            return machine.lost(closeCode: nil)
        }
        conn = connection
        machine.connected()
        model.me = connection.hello?.user
        if after == nil { model.lastSeq = connection.hello?.seq ?? 0 }
        model.connection = .live
        changed()
        Task { await self.afterConnect(connection) }
        for await frame in connection.events {
            await handle(frame)
        }
        conn = nil
        let closed = await connection.closed()
        return machine.lost(closeCode: closed.code)
    }

    private func afterConnect(_ connection: SwarmConnection) async {
        do {
            if !loadedOnce {
                try await loadEverything(connection)
                loadedOnce = true
                model.loaded = true
                await announceInbox()
                // After the first screen is up: the header's member count of the channel it opened on.
                if let current = model.current { Task { await self.countMembers(current) } }
            } else {
                try await refreshChannels(connection)
            }
        } catch {
            model.notice("could not load channels: \(error)", .error)
        }
        // The server forgets presence when the last session closes: say again that we are away.
        if away { _ = try? await connection.request(Op.presenceSet.rawValue, PresenceSetRequest(status: .away), as: Empty.self) }
        await flushOutbox()
        changed()
    }

    private func loadEverything(_ c: SwarmConnection) async throws {
        let users = try await c.request(Op.userList.rawValue, Empty(), as: UserListReply.self)
        for u in users.users { model.users[u.id] = u }
        try await refreshChannels(c)
        if let current = model.current { try await loadHistory(current, connection: c) }
        changed()
    }

    private func refreshChannels(_ c: SwarmConnection) async throws {
        let list = try await c.request(Op.channelList.rawValue, Empty(), as: ChannelListReply.self)
        for ch in list.channels where ch.member == true { model.upsert(ch) }
        for id in model.channels.keys where !list.channels.contains(where: { $0.id == id && $0.member == true }) {
            model.remove(channel: id)
        }
        let unread = try await c.request(Op.unreadList.rawValue, Empty(), as: UnreadListReply.self)
        model.setCounts(unread)
    }

    func loadHistory(_ channel: String, connection: SwarmConnection? = nil) async throws {
        guard let c = connection ?? conn else { return }
        let page = try await c.request(Op.history.rawValue, HistoryRequest(channel: channel, limit: 100), as: HistoryReply.self)
        model.merge(history: page.messages, into: channel)
        model.channels[channel]?.olderCursor = page.nextBefore
        changed()
    }

    /// Fetches the page before the oldest loaded message of the current channel.
    public func loadOlder() async throws -> Int {
        guard let c = conn, let current = model.current, let cursor = model.channels[current]?.olderCursor else { return 0 }
        let page = try await c.request(Op.history.rawValue, HistoryRequest(channel: current, before: cursor, limit: 100), as: HistoryReply.self)
        model.merge(history: page.messages, into: current)
        model.channels[current]?.olderCursor = page.nextBefore
        changed()
        return page.messages.count
    }

    private func handle(_ frame: ServerFrame) async {
        if frame.ev == nil, let error = frame.error {
            model.notice("server: \(error.message)", .error)
            changed()
            return
        }
        let redraw = model.apply(frame)
        if frame.ev == EventName.memberJoined.rawValue, frame.data?["user"]?.string == model.me?.id, let c = conn {
            try? await refreshChannels(c)
        }
        if frame.ev == EventName.messageNew.rawValue, let ch = frame.data?["channel"]?.string, ch == model.current {
            markRead()
        }
        if frame.ev == EventName.memberJoined.rawValue || frame.ev == EventName.memberLeft.rawValue,
           let ch = frame.data?["channel"]?.string, model.channels[ch]?.memberCount != nil {
            Task { await self.countMembers(ch) }
        }
        if QueueWatch.refreshes(on: frame) { await queueChanged() }
        if redraw { changed() }
    }

    public func request<T: Encodable & Sendable, R: Decodable & Sendable>(_ op: Op, _ data: T, as type: R.Type) async throws -> R {
        guard let c = conn else { throw SwarmError(.unsupported, "not connected; your command was not sent") }
        return try await c.request(op.rawValue, data, as: type)
    }

}

extension ServerFrame {
    /// A locally made event frame (to apply an acknowledged post to the model at once).
    static func event<T: Encodable>(_ name: EventName, _ value: T) -> ServerFrame {
        let data = (try? JSONValue.from(value)) ?? .null
        let json = #"{"ev":"\#(name.rawValue)","data":\#(data.description)}"#
        return (try? JSONDecoder().decode(ServerFrame.self, from: Data(json.utf8)))!
    }
}
