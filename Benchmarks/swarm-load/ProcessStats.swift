import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What /proc says about a process (Linux): resident memory and CPU time used so far.
struct ProcessSample: Sendable {
    var rssKiB: Int
    var peakRssKiB: Int
    var cpuSeconds: Double
    var threads: Int
    var takenAtNanos: Int64
    /// CPU time all processes of the machine used since boot (set on samples of this process), so
    /// a report can say how much of the shared cores other work took during the run.
    var machineBusySeconds: Double?
}

enum ProcessStats {
    /// Reads /proc/PID/status and /proc/PID/stat; nil when the process is gone or /proc is absent.
    static func sample(pid: Int32) -> ProcessSample? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var rss = 0, peak = 0, threads = 0
        for line in status.split(separator: "\n") {
            if line.hasPrefix("VmRSS:") { rss = kib(line) }
            else if line.hasPrefix("VmHWM:") { peak = kib(line) }
            else if line.hasPrefix("Threads:") { threads = kib(line) }
        }
        return ProcessSample(rssKiB: rss, peakRssKiB: peak, cpuSeconds: cpuSeconds(pid: pid) ?? 0,
                             threads: threads, takenAtNanos: LoadClock.nanos())
    }

    static func sampleSelf() -> ProcessSample? {
        var s = sample(pid: getpid())
        s?.machineBusySeconds = machineBusySeconds()
        return s
    }

    /// Busy time of all cores from the `cpu` line of /proc/stat (everything but idle and iowait).
    static func machineBusySeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 8 else { return nil }
        // user nice system idle iowait irq softirq steal
        let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// utime + stime of /proc/PID/stat (fields 14 and 15, counted after the `(comm)` field).
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3), so utime (14) is fields[11] and stime (15) fields[12].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The pid of the one process named `swarmd`, when exactly one runs.
    static func findServer() -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        var found: [Int32] = []
        for entry in entries {
            guard let pid = Int32(entry),
                  let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8) else { continue }
            if comm.trimmingCharacters(in: .whitespacesAndNewlines) == "swarmd" { found.append(pid) }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// The open-files limit of another process (its `Max open files` soft limit).
    static func openFilesLimit(pid: Int32) -> Int? {
        guard let limits = try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8) else { return nil }
        for line in limits.split(separator: "\n") where line.hasPrefix("Max open files") {
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) }
        }
        return nil
    }

    /// Raises this process's soft open-files limit toward `wanted` (up to the hard limit) and
    /// returns the limit in force.
    static func raiseOpenFiles(to wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if Int(limit.rlim_cur) < wanted {
            var raised = limit
            raised.rlim_cur = Swift.min(rlim_t(wanted), limit.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(limit.rlim_cur)
    }

    private static func kib(_ line: Substring) -> Int {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) } ?? 0
    }
}

/// CPU use of one process over a phase, as a share of one core (200 % = both cores of this box).
struct CPUUse: Sendable, Encodable {
    var percentOfOneCore: Double

    init?(from start: ProcessSample?, to end: ProcessSample?) {
        guard let start, let end, end.takenAtNanos > start.takenAtNanos else { return nil }
        let wall = Double(end.takenAtNanos - start.takenAtNanos) / 1e9
        percentOfOneCore = 100 * (end.cpuSeconds - start.cpuSeconds) / wall
    }

    /// The whole machine's busy time over the interval of two samples of this process.
    init?(machineFrom start: ProcessSample?, to end: ProcessSample?) {
        guard let start, let end, end.takenAtNanos > start.takenAtNanos,
              let a = start.machineBusySeconds, let b = end.machineBusySeconds else { return nil }
        percentOfOneCore = 100 * (b - a) / (Double(end.takenAtNanos - start.takenAtNanos) / 1e9)
    }
}
