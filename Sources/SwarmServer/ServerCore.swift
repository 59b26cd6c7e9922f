import Foundation
import Logging
import Synchronization
import SwarmCore
import SwarmProtocol
import SwarmStore

/// What every session and handler shares: the store, the hub and the settings.
final class ServerCore: Sendable {
    let store: SQLiteStore
    let hub: Hub
    let config: ServerConfig
    let logger: Logger
    private let nextConnection = Atomic<Int>(1)
    let ready = Atomic<Bool>(false)
    /// Set when shutdown starts: a session that opens after the 1001 close frames closes itself.
    let stopping = Atomic<Bool>(false)
    let gate: ConnectionGate
    /// The shutdown deadline's task, cancelled once the server has stopped.
    private let shutdownCut = Mutex<Task<Void, Never>?>(nil)
    /// One allowance per token, shared by its sockets and its HTTP bot requests.
    let limiter: RateLimiter
    /// `intake.dedicated_accounts`, normalized once.
    let dedicatedAccounts: Set<String>
    /// `[tone]` as rules, parsed once (the config was validated at start-up).
    let tone: ToneRules
    /// Fires SLA warnings and breaches; ops that move a case's clocks wake it.
    let slaScheduler: SLAScheduler
    /// Duplicate, noise and topic rules from `[duplicates]`, `[noise]`, `[topics]`, built once.
    let triage: TriageSettings
    /// This process's name among the nodes on one database: new at every start, so a restarted
    /// node never inherits the rows of the process it replaces.
    let nodeId = UUID().uuidString.lowercased()
    /// Batches and frames the sessions wrote (the drains and the replays).
    let outboundWrites = OutboundWrites()
    /// The delivery tick's drains of held events (nil when `server.delivery_tick_ms` is 0).
    let heldDrains: HeldDrains?
    /// Connections and their drains still in memory (tests: every closed one must be freed).
    let liveObjects = LiveCount()
    /// Requests and replays in flight; shutdown waits for them before closing the store.
    let tasks = SessionTasks()

    init(store: SQLiteStore, hub: Hub, config: ServerConfig, logger: Logger) {
        self.store = store
        self.hub = hub
        self.config = config
        self.logger = logger
        self.heldDrains = HeldDrains(milliseconds: config.deliveryTickMilliseconds, loadFactor: config.deliveryTickLoadFactor)
        self.limiter = RateLimiter(rate: config.opsPerSecond, burst: config.opsBurst)
        self.dedicatedAccounts = ContactSignals.normalizedAccounts(config.dedicatedAccounts)
        self.tone = config.toneRules
        self.slaScheduler = SLAScheduler(store: store, leadsChannel: config.slaLeadsChannel, logger: logger)
        self.triage = TriageSettings(duplicates: config.duplicateRule, noise: config.noiseFilter, topics: config.topicRules,
                                     spike: config.topicSpikeRule, alertChannel: config.topicsAlertChannel.isEmpty ? nil : config.topicsAlertChannel)
        self.gate = ConnectionGate(limits: .init(perAddress: config.maxConnectionsWithoutHelloPerAddress, total: config.maxConnectionsWithoutHello), logger: logger)
    }

    func newConnectionId() -> Int { nextConnection.add(1, ordering: .relaxed).oldValue }

    /// At `deadline`, cuts every connection still open (shutdown grace period over).
    func cutAll(at deadline: ContinuousClock.Instant) {
        let task = Task { [gate, logger] in
            try? await Task.sleep(until: deadline)
            guard !Task.isCancelled else { return }
            let cut = gate.cutAll()
            if cut > 0 { logger.notice("shutdown grace period over; cut the remaining connections", metadata: ["connections": "\(cut)"]) }
        }
        shutdownCut.withLock { $0 = task }
    }

    func cancelCut() { shutdownCut.withLock { $0?.cancel() } }

    /// Whether a live session's token still works. One atomic load while no token was revoked
    /// since this connection last checked; otherwise one read of the token row (a revoke by
    /// another process reaches the hub through the committer's poll and moves the epoch too).
    func tokenStillLive(_ p: Principal, _ conn: Connection) async throws -> Bool {
        let epoch = hub.revocationEpoch
        guard epoch != conn.revocationEpoch else { return true }
        if let token = p.tokenId, try await store.isTokenLive(id: token) == false {
            logger.notice("revoked token on a live session; closing", metadata: ["conn": "\(conn.id)", "user": "\(p.name)"])
            conn.close(code: CloseCode.unauthorized, reason: "token revoked", deferIfBusy: false)
            return false
        }
        conn.checked(epoch: epoch)
        return true
    }
}

/// JSON helpers with the settings used for every frame.
enum Wire {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            return #"{"ok":false,"error":{"code":"internal","message":"could not encode reply"}}"#
        }
    }

    static func reply<T: Encodable & Sendable>(_ id: String, _ value: T) -> String {
        encode(ReplyFrame.success(id, value))
    }

    static func error(_ id: String?, _ error: SwarmError) -> String {
        encode(ErrorReplyFrame(re: id, error: error))
    }

    static func event<T: Codable & Sendable>(_ name: EventName, _ data: T, seq: Int64? = nil) -> String {
        encode(EventFrame(ev: name.rawValue, seq: seq, data: data))
    }

    /// A short, safe explanation of why `data` did not decode, naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "data" : p
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let parent = path(ctx)
            return "missing field \(parent == "data" ? "" : parent + ".")\(key.stringValue)"
        case .typeMismatch(let type, let ctx): return "\(path(ctx)): expected \(typeName(type))"
        case .valueNotFound(let type, let ctx): return "\(path(ctx)): expected \(typeName(type)), got null"
        case .dataCorrupted(let ctx): return "\(path(ctx)): invalid value"
        @unknown default: return "invalid data"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Bool.Type: return "a boolean"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}
