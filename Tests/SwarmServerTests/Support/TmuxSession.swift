import Foundation


/// A program running in a detached tmux session, driven like a person at a terminal: keys go in
/// with send-keys, the screen comes back with capture-pane. Waiting is event-driven: the pane's
/// output is piped into a FIFO, and the screen is checked again each time the program draws.
final class TmuxSession: Sendable {
    let name: String
    let fifo: String
    let output: AsyncStream<Void>
    private let fd: Int32
    private let stopping = Locked(false)
    /// BEL bytes the program wrote (the terminal bell), counted from the raw output.
    private let bellCount = Locked(0)
    var bells: Int { bellCount.withLock { $0 } }
    /// The program's raw output (escape sequences and all), its last `rawLimit` bytes: for checks
    /// on what a screen dump cannot show (hyperlinks, notifications, terminal modes).
    private let raw = Locked([UInt8]())
    static let rawLimit = 1 << 20
    var rawOutput: String { String(decoding: raw.withLock { $0 }, as: UTF8.self) }

    static var available: Bool { (try? run(["tmux", "-V"]))?.status == 0 }

    @discardableResult
    static func run(_ args: [String]) throws -> (status: Int32, output: String) {
        try runToEnd(URL(fileURLWithPath: "/usr/bin/env"), args)
    }

    /// A tmux command on this session's own server (`-L`), so tests never touch a user's tmux and
    /// `close()` can stop the server with everything it started.
    @discardableResult
    func tmux(_ args: [String]) throws -> (status: Int32, output: String) {
        try Self.run(["tmux", "-L", name, "-f", "/dev/null"] + args)
    }

    init(command: [String], environment: [String: String], width: Int = 120, height: Int = 32) throws {
        name = "swarm-test-\(UUID().uuidString.prefix(8))"
        let dir = FileManager.default.temporaryDirectory.path
        fifo = "\(dir)/\(name).fifo"
        guard mkfifo(fifo, 0o600) == 0 else { throw Timeout(what: "mkfifo \(fifo)") }
        // Read-write: opening never blocks (a read-only open would wait for tmux's writer forever if
        // pipe-pane failed), and reads never see end-of-file between writers.
        fd = open(fifo, O_RDWR)
        guard fd >= 0 else { throw Timeout(what: "open \(fifo)") }
        let env = environment.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let shell = "env \(env) " + command.map(Self.quote).joined(separator: " ")
        let (stream, sink) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        output = stream
        do {
            try check(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), shell])
            try check(["pipe-pane", "-t", name, "-o", "cat > \(Self.quote(fifo))"])
        } catch {
            _ = try? tmux(["kill-server"])
            Foundation.close(fd)
            unlink(fifo)
            throw error
        }
        let (fd, stopping, bellCount, raw) = (self.fd, self.stopping, self.bellCount, self.raw)
        Thread {
            var buffer = [UInt8](repeating: 0, count: 8192)
            while !stopping.withLock({ $0 }) {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                let rung = buffer[0..<n].reduce(0) { $0 + ($1 == 0x07 ? 1 : 0) }
                if rung > 0 { bellCount.withLock { $0 += rung } }
                raw.withLock {
                    $0 += buffer[0..<n]
                    if $0.count > TmuxSession.rawLimit { $0.removeFirst($0.count - TmuxSession.rawLimit) }
                }
                sink.yield()
            }
            sink.finish()
            Foundation.close(fd)
        }.start()
    }

    /// Runs a tmux command and fails loudly when tmux refuses it (instead of waiting on a dead pane).
    func check(_ args: [String]) throws {
        let result = try tmux(args)
        guard result.status == 0 else { throw Timeout(what: "tmux \(args.prefix(2).joined(separator: " ")) to succeed (exit \(result.status))") }
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    var screen: String { (try? tmux(["capture-pane", "-p", "-t", name]).output) ?? "" }

    /// Types text literally, then presses Enter.
    func type(_ text: String, enter: Bool = true) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
        if enter { try tmux(["send-keys", "-t", name, "Enter"]) }
    }

    func press(_ key: String) throws { try tmux(["send-keys", "-t", name, key]) }

    /// Bytes as the terminal would send them (a mouse report), bypassing tmux's key names.
    func sendBytes(_ bytes: String) throws {
        try check(["send-keys", "-t", name, "-H"] + bytes.utf8.map { String(format: "%02x", $0) })
    }

    /// Waits until the screen satisfies `predicate`, re-checking whenever the program draws.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 20, _ predicate: @escaping @Sendable (String) -> Bool) async throws -> String {
        let output = self.output
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                let first = self.screen
                if predicate(first) { return first }
                for await _ in output {
                    let s = self.screen
                    if predicate(s) { return s }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw Timeout(what: "\(what); screen was:\n\(self.screen)")
            }
            defer { group.cancelAll() }
            guard let s = try await group.next() ?? nil else { throw Timeout(what: "\(what) (program exited); screen:\n\(screen)") }
            return s
        }
    }

    func close() {
        // kill-server does not hang up the pane's processes here: a client a failed test never quit
        // (or the SIGTERM test's `sleep 60`) would outlive the test. Hang up its process group first.
        if let pane = try? tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]).output.trimmingCharacters(in: .whitespacesAndNewlines),
           let pid = Int32(pane), pid > 1 {
            kill(-pid, SIGHUP)
        }
        _ = try? tmux(["kill-server"])
        // Wake the reader thread so it sees `stopping` and closes the FIFO itself.
        stopping.withLock { $0 = true }
        var byte: UInt8 = 0
        _ = write(fd, &byte, 1)
        unlink(fifo)
    }
}
