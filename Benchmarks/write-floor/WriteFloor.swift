#if canImport(Glibc)
import Foundation
import Glibc

/// The kernel's floor under a fan-out: what writing one small frame to each of N loopback TCP
/// sockets costs the writing thread, with no server in between. A server that writes every
/// delivery on its own socket cannot cost less per delivery than this; `write-floor.sh` runs it
/// beside `swarmd` under the same load so the two read as a ratio.
///
/// Shape, as `fanout-ab.sh` loads `swarmd`: `--connections` sockets split over `--writers` threads
/// (swarmd's event loops), every `1/--rate` s one frame of `--bytes` to every socket (one post's
/// fan-out), one reader thread draining them all with epoll (the load tool). On loopback the
/// writer is charged for the receiving side's TCP work too (the softirq runs in its `write`), as
/// swarmd is. CPU is each thread's own (`CLOCK_THREAD_CPUTIME_ID`) over the measured window.
@main
struct WriteFloor {
    struct Options {
        var connections = 1000
        var writers = 2
        var rate = 40.0
        var seconds = 15.0
        var warmup = 2.0
        var bytes = 300
        var json = false
    }

    static func main() {
        var o = Options()
        var args = CommandLine.arguments.dropFirst()
        while let flag = args.popFirst() {
            if flag == "--json" { o.json = true; continue }
            guard let value = args.popFirst() else { usage("missing value for \(flag)") }
            switch flag {
            case "--connections": o.connections = Int(value) ?? 0
            case "--writers": o.writers = Int(value) ?? 0
            case "--rate": o.rate = Double(value) ?? 0
            case "--seconds": o.seconds = Double(value) ?? 0
            case "--warmup": o.warmup = Double(value) ?? -1
            case "--bytes": o.bytes = Int(value) ?? 0
            default: usage("unknown option \(flag)")
            }
        }
        guard o.connections > 0, o.writers > 0, o.rate > 0, o.seconds > 0, o.warmup >= 0, o.bytes >= 2 else { usage("bad value") }
        run(o)
    }

    static func usage(_ why: String) -> Never {
        FileHandle.standardError.write(Data("write-floor: \(why)\nusage: write-floor [--connections 1000] [--writers 2] [--rate 40] [--seconds 15] [--warmup 2] [--bytes 300] [--json]\n".utf8))
        exit(2)
    }

    static func run(_ o: Options) {
        let (served, clients) = LoopbackPairs.open(o.connections)
        let frame = [UInt8](repeating: UInt8(ascii: "x"), count: o.bytes)
        let start = monotonicNanos() + 200_000_000
        let period = Int64(1e9 / o.rate)
        let measureFrom = start + Int64(o.warmup * 1e9)
        let end = measureFrom + Int64(o.seconds * 1e9)

        let reader = ReaderThread(fds: clients, measureFrom: measureFrom)
        reader.start()
        let slices = (0..<o.writers).map { w in stride(from: w, to: served.count, by: o.writers).map { served[$0] } }
        let results = Results(count: o.writers)
        let threads = slices.enumerated().map { (w, fds) in
            Thread {
                results.set(w, writeTicks(fds: fds, frame: frame, start: start, period: period, measureFrom: measureFrom, end: end))
            }
        }
        for t in threads { t.start() }
        results.wait()
        let readerCPU = reader.stop()

        let all = results.values
        let writes = all.reduce(0) { $0 + $1.writes }
        let writerCPU = all.reduce(0) { $0 + $1.cpuNanos }
        let perWrite = Double(writerCPU) / 1000 / Double(max(writes, 1))
        let perSecond = Double(writes) / o.seconds
        let readerPerWrite = Double(readerCPU) / 1000 / Double(max(writes, 1))
        if o.json {
            print("{\"connections\":\(o.connections),\"writers\":\(o.writers),\"rate\":\(o.rate),\"bytes\":\(o.bytes),\"writes\":\(writes),\"writes_per_second\":\(Int(perSecond)),\"writer_cpu_us_per_write\":\(round2(perWrite)),\"writer_cpu_percent\":\(round2(Double(writerCPU) / 1e7 / o.seconds)),\"reader_cpu_us_per_write\":\(round2(readerPerWrite))}")
        } else {
            print("\(writes) writes (\(Int(perSecond))/s) of \(o.bytes) bytes to \(o.connections) sockets: writer CPU \(round2(perWrite)) µs per write, reader \(round2(readerPerWrite)) µs")
        }
        for fd in served + clients { close(fd) }
    }

    /// One writer: a frame to each of its sockets every `period`, counting only the ticks that
    /// start inside the measured window. Blocking sockets: a full send buffer (the reader fell
    /// behind) waits, as swarmd's drain would stop; the CPU clock does not count the wait.
    static func writeTicks(fds: [Int32], frame: [UInt8], start: Int64, period: Int64, measureFrom: Int64, end: Int64) -> (writes: Int, cpuNanos: Int64) {
        var writes = 0
        var cpu: Int64 = 0
        var tick = start
        while tick < end {
            sleepUntil(tick)
            let measured = tick >= measureFrom
            let before = measured ? threadCPUNanos() : 0
            frame.withUnsafeBytes { raw in
                for fd in fds {
                    var sent = 0
                    while sent < raw.count {
                        let n = write(fd, raw.baseAddress! + sent, raw.count - sent)
                        if n < 0 {
                            if errno == EINTR { continue }
                            fatal("write: \(String(cString: strerror(errno)))")
                        }
                        sent += n
                    }
                }
            }
            if measured {
                cpu += threadCPUNanos() - before
                writes += fds.count
            }
            tick += period
        }
        return (writes, cpu)
    }
}

/// The writers' results, and a wait for all of them (threads, not tasks: each writer is one OS
/// thread as an event loop is).
final class Results: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [(writes: Int, cpuNanos: Int64)?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: (writes: Int, cpuNanos: Int64)) {
        condition.lock(); slots[i] = value; condition.broadcast(); condition.unlock()
    }

    func wait() {
        condition.lock()
        while slots.contains(where: { $0 == nil }) { condition.wait() }
        condition.unlock()
    }

    var values: [(writes: Int, cpuNanos: Int64)] {
        condition.lock(); defer { condition.unlock() }
        return slots.map { $0! }
    }
}

func monotonicNanos() -> Int64 { nanos(CLOCK_MONOTONIC) }

/// The calling thread's own CPU time.
func threadCPUNanos() -> Int64 { nanos(CLOCK_THREAD_CPUTIME_ID) }

private func nanos(_ clock: clockid_t) -> Int64 {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

func sleepUntil(_ nanos: Int64) {
    var ts = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
}

func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

func fatal(_ message: String) -> Never {
    FileHandle.standardError.write(Data("write-floor: \(message)\n".utf8))
    exit(1)
}
#else
@main
struct WriteFloor {
    static func main() { print("write-floor: Linux only") }
}
#endif
