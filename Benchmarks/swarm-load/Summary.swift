import Foundation

/// Everything a run measured; printed for people and, with `--json`, as one JSON line.
struct Summary: Encodable, Sendable {
    var mode: String
    var run: String
    var connections: Int
    var connectFailed: Int
    var connectSeconds: Double
    var senders: Int?
    var targetRate: Double?
    var durationSeconds: Double?
    // posts
    var postsSent: Int?
    var postsAcked: Int?
    var postsFailed: Int?
    var postsSkipped: Int?
    var ackedPerSecond: Double?
    var ackP50Ms: Double?
    var ackP99Ms: Double?
    var ackMaxMs: Double?
    var sendLagP99Ms: Double?
    // fan-out
    var deliveredExpected: Int?
    var delivered: Int?
    var deliveredPerSecond: Double?
    var e2eP50Ms: Double?
    var e2eP95Ms: Double?
    var e2eP99Ms: Double?
    var e2eMaxMs: Double?
    var disconnects: [String: Int]?
    // processes
    var serverPid: Int32?
    var serverRssBeforeMib: Double?
    var serverRssMib: Double?
    var serverPeakRssMib: Double?
    var serverRssPerConnKib: Double?
    var serverCpuPercent: Double?
    var serverThreads: Int?
    var toolRssMib: Double?
    var toolCpuPercent: Double?
    /// CPU the rest of the machine used meanwhile (other people's builds on a shared box).
    var otherCpuPercent: Double?
    var cores: Int
    var errors: [String: Int]

    init(mode: String, run: String, connect: ConnectOutcome, requested: Int, errors: Tally) {
        self.init(mode: mode, run: run, connected: connect.members.count, seconds: connect.seconds, requested: requested, errors: errors)
    }

    init(mode: String, run: String, connected: Int, seconds: Double, requested: Int, errors: Tally) {
        self.mode = mode
        self.run = run
        connections = connected
        connectFailed = requested - connected
        connectSeconds = seconds.rounded(places: 2)
        cores = ProcessInfo.processInfo.activeProcessorCount
        self.errors = errors.snapshot
    }

    mutating func setPosts(_ s: SenderResult, seconds: Double) {
        postsSent = s.sent
        postsAcked = s.acked
        postsFailed = s.failed
        postsSkipped = s.skipped
        ackedPerSecond = (Double(s.acked) / seconds).rounded(places: 1)
        if !s.ack.isEmpty {
            ackP50Ms = ms(s.ack.quantile(0.50))
            ackP99Ms = ms(s.ack.quantile(0.99))
            ackMaxMs = ms(s.ack.max)
        }
        if !s.lag.isEmpty { sendLagP99Ms = ms(s.lag.quantile(0.99)) }
    }

    mutating func setDelivery(_ latency: Histogram, delivered: Int, expected: Int, seconds: Double) {
        deliveredExpected = expected
        self.delivered = delivered
        deliveredPerSecond = (Double(delivered) / seconds).rounded(places: 0)
        guard !latency.isEmpty else { return }
        e2eP50Ms = ms(latency.quantile(0.50))
        e2eP95Ms = ms(latency.quantile(0.95))
        e2eP99Ms = ms(latency.quantile(0.99))
        e2eMaxMs = ms(latency.max)
    }

    mutating func setServer(pid: Int32?, before: ProcessSample?, start: ProcessSample?, end: ProcessSample?) {
        serverPid = pid
        serverRssBeforeMib = before.map { mib($0.rssKiB) }
        serverRssMib = end.map { mib($0.rssKiB) }
        serverPeakRssMib = end.map { mib($0.peakRssKiB) }
        serverThreads = end?.threads
        serverCpuPercent = CPUUse(from: start, to: end).map { $0.percentOfOneCore.rounded(places: 0) }
        if mode == "idle", let before, let end, connections > 0 {
            serverRssPerConnKib = (Double(end.rssKiB - before.rssKiB) / Double(connections)).rounded(places: 1)
        }
    }

    mutating func setTool(start: ProcessSample?, end: ProcessSample?) {
        toolRssMib = end.map { mib($0.rssKiB) }
        toolCpuPercent = CPUUse(from: start, to: end).map { $0.percentOfOneCore.rounded(places: 0) }
        if let machine = CPUUse(machineFrom: start, to: end), let toolCpuPercent {
            otherCpuPercent = max(0, machine.percentOfOneCore - toolCpuPercent - (serverCpuPercent ?? 0)).rounded()
        }
    }

    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private func ms(_ micros: Int64) -> Double { (Double(micros) / 1000).rounded(places: 2) }
    private func mib(_ kib: Int) -> Double { (Double(kib) / 1024).rounded(places: 1) }
}

extension Double {
    func rounded(places: Int) -> Double {
        let f = pow(10, Double(places))
        return (self * f).rounded() / f
    }
}
