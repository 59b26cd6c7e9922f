import Foundation
import SwarmStore
import SwarmCore

/// Every server setting, with its default. Precedence: these defaults < `config/swarmd.toml` (or
/// `--config FILE`) < `SWARM_<SECTION>_<KEY>` environment variables < command-line flags.
/// `config/swarmd.toml` documents each key; `ServerConfigTests` checks the two agree.
public struct ServerConfig: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 7420
    /// Frames above this get a `too_large` reply; the connection stays open.
    public var maxFrameBytes = 65_536
    /// Frames above this close the socket with 1009 without being read into memory.
    public var hardFrameBytes = 1_048_576
    /// Frames waiting for a slow reader before it is disconnected with 4008.
    public var outboundQueueFrames = 1024
    /// 0: events are written as soon as they are published. Above 0, a socket's event loop
    /// writes held events (those of large channels: `deliveryTickMinMembers`) at most once per
    /// this many milliseconds after its last write round (the first after a quiet spell goes at
    /// once), so a busy connection's events share a write: less CPU per delivery for up to this
    /// much added latency. Replies are never held.
    public var deliveryTickMilliseconds = 75
    /// With a tick: 0 holds events for the whole tick; above 0 a loop holds them at most this many
    /// times as long as its last write round took (never longer than the tick), so a loop that
    /// writes little adds little latency and one that writes much coalesces up to the tick.
    public var deliveryTickLoadFactor = 0
    /// With a tick: only events whose audience (a channel's members, presence watchers) is at least
    /// this large are held; the others are written at once. 0 holds every event. Why: a tick saves
    /// writes only where connections receive events faster than one per tick, which is what large
    /// channels do; in small ones it only adds latency.
    public var deliveryTickMinMembers = 500
    public var pingIntervalSeconds = 30
    public var helloTimeoutSeconds = 10
    /// After the server sends a close frame, the client has this long to answer it before the
    /// TCP connection is cut.
    public var closeTimeoutSeconds = 5
    /// A new connection must finish its HTTP request head within this time.
    public var headerTimeoutSeconds = 10
    /// A plain HTTP connection with no request in flight for this long is closed.
    public var httpIdleTimeoutSeconds = 60
    /// Connections that have not said hello (plain HTTP ones included), from one address and in
    /// all; more are refused with 503.
    public var maxConnectionsWithoutHelloPerAddress = 64
    public var maxConnectionsWithoutHello = 1024
    /// On SIGTERM: sockets still open this long after the 1001 close frames are cut.
    public var shutdownGraceSeconds = 10

    /// "sqlite" (one process, embedded) or "postgres" (any number of nodes on one database).
    public var storageBackend = "sqlite"
    /// The PostgreSQL database when `storageBackend` is postgres (env SWARM_STORAGE_URL).
    public var storageURL = ""
    public var databasePath = "./data/swarm.sqlite"
    public var synchronous = "full"
    public var readers = 4
    public var maxBatch = 512
    /// SQLite: how long the message search indexer gathers commits before a round (a search
    /// that needs the index, or `MessageSearchIndex.gatherCommits` commits, cut it short); more
    /// is fewer rounds, i.e. less CPU at low rates.
    public var searchIndexGatherMilliseconds = 1000
    /// PostgreSQL: the longest wait for one answer, and for a whole store transaction, before the
    /// request gets `unavailable` and the connection is replaced (also PostgreSQL's own
    /// `statement_timeout` on each connection).
    public var statementTimeoutMilliseconds = 5000
    public var transactionTimeoutMilliseconds = 15000

    public var retentionDays = 30
    public var historyMax = 200
    /// Requests one token may send per second (all its sockets and HTTP requests together),
    /// sustained, and in a burst.
    public var opsPerSecond = 1000
    public var opsBurst = 2000
    public var logLevel = "info"
    /// First-response target: a case is due this many hours after it was opened.
    public var slaHours = 24
    /// Where interactions from customers with no open case open a new one.
    public var intakeChannel = "support"
    /// A contact this many hours after its customer's case was solved reopens that case (0: never).
    public var followupWindowHours = 72
    /// Brand accounts dedicated to customer care (`@acme_care`); contacts reaching them are marked
    /// `dedicated` (reports split volume by it).
    public var dedicatedAccounts: [String] = []
    /// Besides leads and admins, users with this skill approve and edit knowledge-base articles.
    public var kbEditorSkill = "knowledge-editor"
    /// kb.search ranks at most this many of the newest matches (plus articles that solved cases);
    /// 0 ranks every match.
    public var kbSearchCandidates = 500
    /// Tone of voice for `reply.check` (PROTOCOL §25): `LANG:phrase` entries (`*:` for every
    /// language), `LANG:formal|informal` address entries, a length limit (0: none), a regular
    /// expression the last line must match (empty: none), and the language of customers without one.
    public var toneForbiddenPhrases: [String] = []
    public var toneAddress: [String] = []
    public var toneMaxLength = 0
    public var toneSignaturePattern = ""
    public var toneDefaultLanguage = "en"
    /// SLA (ServerConfig+SLA.swift): the warning comes when this share of a target has run.
    public var slaWarningShare = 0.8
    /// Alerts found this many hours after their time are recorded without being announced.
    public var slaStaleAlertHours = 24
    /// Team channel whose members (who may see the case) also get `sla.warning`/`sla.breached`; "" none.
    public var slaLeadsChannel = ""
    /// `[sla.policy.NAME]` and `[sla.calendar.NAME]` as written, and the policies built from them.
    public var slaSettings: [String: TOMLSubset.Value] = [:]
    public var slaPolicies: [SLAPolicy] = []
    /// Duplicates, noise and topics (PROTOCOL §23): keys and checks in ServerConfig+Dupes.swift.
    public var duplicatesWindowHours = 24
    public var duplicatesThreshold = 0.8
    public var noiseLinks: [String] = []
    public var noisePhrases = ServerConfig.defaultNoisePhrases
    public var noisePatterns: [String] = []
    /// `topic_language` → keywords (`billing_en`), from `topics.keywords_billing_en`.
    public var topicKeywords = ServerConfig.defaultTopicKeywords
    public var topicsAlertChannel = ""
    public var topicsSpikeFactor = 3.0
    public var topicsSpikeMinCount = 10
    public var topicsBaselineHours = 168
    /// `[queue]`: the triage score's weights and urgency words (ServerConfig+Queue.swift).
    public var queue = QueueConfig()
    /// `[cluster]` (ServerConfig+Cluster.swift): how often this node reads the shared log for
    /// events other nodes committed.
    public var clusterPollMilliseconds = 250
    /// PostgreSQL: NOTIFY/LISTEN wakes the other nodes; the poll then runs every `clusterNotifyPollMilliseconds`.
    public var clusterNotify = true
    public var clusterNotifyPollMilliseconds = 2000
    /// PostgreSQL: how often a node stamps its heartbeat and reads the other nodes' presence, and
    /// after how long without a heartbeat a node counts as dead (its users go offline elsewhere).
    public var clusterHeartbeatMilliseconds = 1000
    public var clusterNodeTimeoutMilliseconds = 5000

    public init() {}

    /// The `[tone]` settings as rules; `validate()` has refused any that do not parse.
    public var toneRules: ToneRules {
        (try? ToneRules.parse(forbidden: toneForbiddenPhrases, address: toneAddress, maxLength: toneMaxLength,
                              signaturePattern: toneSignaturePattern, defaultLanguage: toneDefaultLanguage)) ?? ToneRules()
    }

    /// Checks one `[tone]` setting on its own, so a bad entry fails at start-up naming its key.
    static func checkTone(forbidden: [String] = [], address: [String] = [], signature: String = "", language: String = "en") throws {
        _ = try ToneRules.parse(forbidden: forbidden, address: address, maxLength: 0, signaturePattern: signature, defaultLanguage: language)
    }

    /// The keys of the TOML file and the environment, each with how to apply it.
    static let keys: [String: ConfigSetter] = coreKeys.merging(dupesKeys) { own, _ in own }.merging(queueKeys) { own, _ in own }
        .merging(clusterKeys) { own, _ in own }
    static let coreKeys: [String: ConfigSetter] = [
        "server.host": { c, v in c.host = try v.stringValue() },
        "server.port": { c, v in c.port = try v.intValue(in: 0...65535) },
        "server.max_frame_bytes": { c, v in c.maxFrameBytes = try v.intValue(in: 1024...(64 << 20)) },
        "server.hard_frame_bytes": { c, v in c.hardFrameBytes = try v.intValue(in: 1024...(256 << 20)) },
        "server.outbound_queue_frames": { c, v in c.outboundQueueFrames = try v.intValue(in: 8...1_000_000) },
        "server.delivery_tick_ms": { c, v in c.deliveryTickMilliseconds = try v.intValue(in: 0...1000) },
        "server.delivery_tick_load_factor": { c, v in c.deliveryTickLoadFactor = try v.intValue(in: 0...100) },
        "server.delivery_tick_min_members": { c, v in c.deliveryTickMinMembers = try v.intValue(in: 0...1_000_000) },
        "server.ping_interval_seconds": { c, v in c.pingIntervalSeconds = try v.intValue(in: 0...3600) },
        "server.hello_timeout_seconds": { c, v in c.helloTimeoutSeconds = try v.intValue(in: 1...3600) },
        "server.close_timeout_seconds": { c, v in c.closeTimeoutSeconds = try v.intValue(in: 1...300) },
        "server.header_timeout_seconds": { c, v in c.headerTimeoutSeconds = try v.intValue(in: 1...300) },
        "server.http_idle_timeout_seconds": { c, v in c.httpIdleTimeoutSeconds = try v.intValue(in: 1...3600) },
        "server.max_connections_without_hello_per_address": { c, v in c.maxConnectionsWithoutHelloPerAddress = try v.intValue(in: 1...1_000_000) },
        "server.max_connections_without_hello": { c, v in c.maxConnectionsWithoutHello = try v.intValue(in: 1...1_000_000) },
        "server.shutdown_grace_seconds": { c, v in c.shutdownGraceSeconds = try v.intValue(in: 0...3600) },
        "storage.backend": { c, v in c.storageBackend = try v.stringValue() },
        "storage.url": { c, v in c.storageURL = try v.stringValue() },
        "storage.path": { c, v in c.databasePath = try v.stringValue() },
        "storage.synchronous": { c, v in c.synchronous = try v.stringValue() },
        "storage.readers": { c, v in c.readers = try v.intValue(in: 1...64) },
        "storage.max_batch": { c, v in c.maxBatch = try v.intValue(in: 1...100_000) },
        "storage.search_index_gather_ms": { c, v in c.searchIndexGatherMilliseconds = try v.intValue(in: 0...3_600_000) },
        "storage.statement_timeout_ms": { c, v in c.statementTimeoutMilliseconds = try v.intValue(in: 100...3_600_000) },
        "storage.transaction_timeout_ms": { c, v in c.transactionTimeoutMilliseconds = try v.intValue(in: 100...3_600_000) },
        "log.retention_days": { c, v in c.retentionDays = try v.intValue(in: 1...36500) },
        "log.level": { c, v in c.logLevel = try v.stringValue() },
        "limits.history_max": { c, v in c.historyMax = try v.intValue(in: 1...10_000) },
        "limits.ops_per_second": { c, v in c.opsPerSecond = try v.intValue(in: 1...1_000_000) },
        "limits.ops_burst": { c, v in c.opsBurst = try v.intValue(in: 1...1_000_000) },
        "cases.sla_hours": { c, v in c.slaHours = try v.intValue(in: 1...8760) },
        "cases.intake_channel": { c, v in c.intakeChannel = try v.stringValue() },
        "cases.followup_window_hours": { c, v in c.followupWindowHours = try v.intValue(in: 0...8760) },
        "intake.dedicated_accounts": { c, v in c.dedicatedAccounts = try v.stringsValue() },
        "kb.editor_skill": { c, v in c.kbEditorSkill = try v.stringValue() },
        "kb.search_candidates": { c, v in c.kbSearchCandidates = try v.intValue(in: 0...10_000_000) },
        "tone.forbidden_phrases": { c, v in c.toneForbiddenPhrases = try v.stringsValue(); try ServerConfig.checkTone(forbidden: c.toneForbiddenPhrases) },
        "tone.address": { c, v in c.toneAddress = try v.stringsValue(); try ServerConfig.checkTone(address: c.toneAddress) },
        "tone.max_length": { c, v in c.toneMaxLength = try v.intValue(in: 0...16_000) },
        "tone.signature_pattern": { c, v in c.toneSignaturePattern = try v.stringValue(); try ServerConfig.checkTone(signature: c.toneSignaturePattern) },
        "tone.default_language": { c, v in c.toneDefaultLanguage = try v.stringValue(); try ServerConfig.checkTone(language: c.toneDefaultLanguage) },
        "sla.warning_share": { c, v in c.slaWarningShare = try v.doubleValue(in: 0.05...0.99) },
        "sla.stale_alert_hours": { c, v in c.slaStaleAlertHours = try v.intValue(in: 0...876_000) },
        "sla.leads_channel": { c, v in c.slaLeadsChannel = try v.stringValue() },
    ]

    public struct ConfigError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Applies a TOML document; unknown keys are errors so typos surface at start-up.
    public mutating func apply(toml text: String, source: String) throws {
        let values: [String: TOMLSubset.Value]
        do { values = try TOMLSubset.parse(text) } catch { throw ConfigError(description: "\(source): \(error)") }
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            if Self.isSLASetting(key) { slaSettings[key] = value; continue }
            guard let setter = Self.keys[key] ?? Self.topicKeywordsSetter(key) else { throw ConfigError(description: "\(source): unknown key \(key)") }
            do { try setter(&self, value) } catch { throw ConfigError(description: "\(source): \(key): \(error)") }
        }
        do { slaPolicies = try Self.buildSLAPolicies(from: slaSettings) } catch { throw ConfigError(description: "\(source): \(error)") }
    }

    /// Applies `SWARM_SERVER_PORT=7421`-style variables.
    public mutating func apply(environment: [String: String]) throws {
        for (key, setter) in Self.keys {
            let name = "SWARM_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
            guard let raw = environment[name] else { continue }
            let value: TOMLSubset.Value = Int(raw).map { .integer($0) } ?? .string(raw)
            do { try setter(&self, value) } catch { throw ConfigError(description: "\(name): \(error)") }
        }
    }

    public func validate() throws {
        guard hardFrameBytes >= maxFrameBytes else { throw ConfigError(description: "server.hard_frame_bytes must be ≥ server.max_frame_bytes") }
        guard ["full", "normal", "extra"].contains(synchronous.lowercased()) else { throw ConfigError(description: "storage.synchronous must be full, normal or extra") }
        guard let backend = StorageBackend(rawValue: storageBackend) else { throw ConfigError(description: "storage.backend must be \"sqlite\" or \"postgres\"") }
        if backend == .postgres {
            guard !storageURL.isEmpty else { throw ConfigError(description: "storage.backend = \"postgres\" needs storage.url (or SWARM_STORAGE_URL)") }
            do { _ = try PostgresLocation(url: storageURL) } catch { throw ConfigError(description: "\(error)") }
        }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else { throw ConfigError(description: "log.level is not a log level") }
        try validateDupes()
        try validateCluster()
    }
}

extension TOMLSubset.Value {
    func stringValue() throws -> String {
        guard case .string(let s) = self else { throw ServerConfig.ConfigError(description: "expected a string") }
        return s
    }

    /// An array of strings; from the environment a comma-separated list.
    func stringsValue() throws -> [String] {
        switch self {
        case .strings(let list): return list
        case .string(let s): return s.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default: throw ServerConfig.ConfigError(description: "expected an array of strings")
        }
    }

    func doubleValue(in range: ClosedRange<Double>) throws -> Double {
        let d: Double
        switch self {
        case .double(let x): d = x
        case .integer(let i): d = Double(i)
        case .string(let s):
            guard let x = Double(s) else { throw ServerConfig.ConfigError(description: "expected a number") }
            d = x
        default: throw ServerConfig.ConfigError(description: "expected a number")
        }
        guard range.contains(d) else { throw ServerConfig.ConfigError(description: "must be in \(range.lowerBound)…\(range.upperBound)") }
        return d
    }

    func intValue(in range: ClosedRange<Int>) throws -> Int {
        let n: Int
        switch self {
        case .integer(let i): n = i
        case .string(let s):
            guard let i = Int(s) else { throw ServerConfig.ConfigError(description: "expected an integer") }
            n = i
        default: throw ServerConfig.ConfigError(description: "expected an integer")
        }
        guard range.contains(n) else { throw ServerConfig.ConfigError(description: "must be in \(range.lowerBound)…\(range.upperBound)") }
        return n
    }
}

extension ServerConfig {
    /// Defaults, then the TOML file (`path`, or `config/swarmd.toml` when it exists), then the
    /// environment. Flags are applied by the caller afterwards.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfig {
        var config = ServerConfig()
        let file = path ?? environment["SWARM_CONFIG"] ?? (FileManager.default.fileExists(atPath: "config/swarmd.toml") ? "config/swarmd.toml" : nil)
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw ConfigError(description: "cannot read \(file)") }
            try config.apply(toml: text, source: file)
        }
        try config.apply(environment: environment)
        return config
    }
}

extension ServerConfig {
    /// Where the data lives, for logs: the SQLite file or the PostgreSQL URL without its password.
    public var storageDescription: String {
        storageBackend == "postgres" ? ((try? PostgresLocation(url: storageURL).redacted) ?? "PostgreSQL") : databasePath
    }

    /// The store's options from `[storage]` (and `[kb]`); `readers` overrides the reader pool size.
    public func storeOptions(readers: Int? = nil) -> StoreOptions {
        var options = StoreOptions(path: databasePath, synchronous: synchronous, readers: readers ?? self.readers, maxBatch: maxBatch,
                                   kbSearchCandidates: kbSearchCandidates, backend: StorageBackend(rawValue: storageBackend) ?? .sqlite,
                                   url: storageURL.isEmpty ? nil : storageURL)
        options.postgresTimeouts = postgresTimeouts
        options.searchIndexGather = .milliseconds(searchIndexGatherMilliseconds)
        return options
    }

    /// `storage.statement_timeout_ms` and `storage.transaction_timeout_ms` (PostgreSQL only).
    public var postgresTimeouts: PostgresTimeouts {
        PostgresTimeouts(statementMilliseconds: statementTimeoutMilliseconds, transactionMilliseconds: transactionTimeoutMilliseconds)
    }
}
