import Foundation
import SwarmProtocol
import Testing

/// Runs `swarm` with a private HOME, so the machine's own config never leaks into a test.
final class CLI: Sendable {
    let binary: String
    let url: String
    let token: String?
    let home: String

    convenience init(server: TestServer, token: String?) throws {
        try self.init(url: server.url, token: token)
    }

    /// `url` may list several nodes, comma-separated (`SWARM_URL` takes the list as `--url` does).
    init(url: String, token: String?) throws {
        binary = try Self.locate()
        self.url = url
        self.token = token
        home = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    func run(_ args: String...) async throws -> CLIResult { try await run(args) }

    /// `stdin`: text piped into the command; nil gives it /dev/null.
    func run(_ args: [String], passURL: Bool = true, environment: [String: String] = [:], stdin: String? = nil, seconds: Double = 30) async throws -> CLIResult {
        try await start(args, passURL: passURL, environment: environment, stdin: stdin).wait(seconds: seconds)
    }

    func start(_ args: String...) throws -> ChildProcess { try start(args) }

    func start(_ args: [String], passURL: Bool = true, environment: [String: String] = [:], stdin: String? = nil) throws -> ChildProcess {
        var env = ["HOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "NO_COLOR": "1"]
        if passURL { env["SWARM_URL"] = url }
        if passURL, let token { env["SWARM_TOKEN"] = token }
        env.merge(environment) { _, new in new }
        return try ChildProcess.launch(binary, args, environment: env, stdin: stdin)
    }

    /// `swarm` is built beside the test bundle (`.build/<triple>/debug/`).
    static func locate() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SWARM_CLI_PATH"] {
            guard FileManager.default.isExecutableFile(atPath: path) else { throw MissingBinary(looked: [path]) }
            return path
        }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        var dirs = [URL(fileURLWithPath: exe).deletingLastPathComponent()]
        // macOS runs tests from inside `X.xctest/Contents/MacOS/`; the products sit beside the bundle.
        if let bundle = exe.range(of: ".xctest/") {
            dirs.append(URL(fileURLWithPath: String(exe[..<bundle.lowerBound])).deletingLastPathComponent())
        }
        let looked = dirs.map(\.path)
        for dir in dirs {
            let candidate = dir.appendingPathComponent("swarm").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw MissingBinary(looked: looked)
    }
}

struct MissingBinary: Error, CustomStringConvertible {
    var looked: [String]
    var description: String {
        "the swarm executable was not found (looked in \(looked.joined(separator: ", "))); run `swift build` before `swift test`, or set SWARM_CLI_PATH"
    }
}

struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Stdout lines the test did not take with `nextLine` before the process ended.
    var remainingLines: [String]

    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(status == 0, "\(self)", sourceLocation: sourceLocation)
    }
}

/// A running child whose stdout can be read line by line while it runs. Pipes are drained on
/// GCD threads, never on the cooperative pool the in-process server needs.
final class ChildProcess: Sendable {
    let process: Spawned
    let output: ChildOutput

    static func launch(_ path: String, _ args: [String], environment: [String: String], stdin: String? = nil) throws -> ChildProcess {
        let process = try Spawned.launch(path, args, environment: environment, stdin: stdin == nil ? .null : .pipe, stdout: .pipe, stderr: .pipe)
        let output = ChildOutput()
        if let writer = process.stdinWriter {
            // Small texts only: the pipe's buffer takes them without a reader on the other end yet.
            Array((stdin ?? "").utf8).withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = write(writer, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0, errno == EINTR { continue }
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writer)
        }
        drain(process.stdoutReader!) { await output.stdout($0) } done: { await output.stdoutClosed() }
        drain(process.stderrReader!) { await output.stderr($0) } done: { await output.stderrClosed() }
        Task { await output.exited(await process.exitCode()) }
        return ChildProcess(process: process, output: output)
    }

    private init(process: Spawned, output: ChildOutput) {
        self.process = process
        self.output = output
    }

    /// Reads with read(2) on its own thread; one consumer task keeps the chunks in order.
    private static func drain(_ fd: Int32, _ chunk: @escaping @Sendable (Data) async -> Void, done: @escaping @Sendable () async -> Void) {
        let chunks = FDReader.chunks(fd, closeAtEnd: true)
        Task {
            for await bytes in chunks { await chunk(Data(bytes)) }
            await done()
        }
    }

    func nextLine(seconds: Double) async throws -> String {
        try await output.nextLine(seconds: seconds)
    }

    /// Waits for the process to exit and its output to end; kills it when the deadline passes.
    func wait(seconds: Double) async throws -> CLIResult {
        do {
            return try await output.result(seconds: seconds)
        } catch {
            terminate()
            throw error
        }
    }

    func terminate() {
        process.signal(SIGTERM)
    }

    /// SIGINT, as Ctrl-C in a terminal sends.
    func interrupt() {
        process.signal(SIGINT)
    }
}

/// Everything a child printed, plus tests waiting for a line or for the exit (with deadlines).
actor ChildOutput {
    private enum Want { case line, exit }

    private var pending = Data()
    private var lines: [String] = []
    private var out = Data()
    private var err = Data()
    private var status: Int32?
    private var stdoutOpen = true
    private var stderrOpen = true
    private var waiters: [Int: (want: Want, cont: CheckedContinuation<Void, any Error>)] = [:]
    private var nextWaiter = 0

    func stdout(_ data: Data) {
        out.append(data)
        pending.append(data)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending = Data(pending[(newline + 1)...])
        }
        wake()
    }

    func stderr(_ data: Data) { err.append(data) }

    func stdoutClosed() {
        if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)) }
        pending = Data()
        stdoutOpen = false
        wake()
    }

    func stderrClosed() {
        stderrOpen = false
        wake()
    }

    func exited(_ status: Int32) {
        self.status = status
        wake()
    }

    func nextLine(seconds: Double) async throws -> String {
        try await until(.line, seconds: seconds)
        guard !lines.isEmpty else {
            throw ChildEnded(what: "another line", output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
        }
        return lines.removeFirst()
    }

    func result(seconds: Double) async throws -> CLIResult {
        try await until(.exit, seconds: seconds)
        return CLIResult(status: status ?? -1, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                         remainingLines: lines)
    }

    private func satisfied(_ want: Want) -> Bool {
        switch want {
        case .line: !lines.isEmpty || !stdoutOpen
        case .exit: status != nil && !stdoutOpen && !stderrOpen
        }
    }

    private func until(_ want: Want, seconds: Double) async throws {
        if satisfied(want) { return }
        let id = nextWaiter
        nextWaiter += 1
        let deadline = Task { [weak self] in
            try await Task.sleep(for: .seconds(seconds))
            await self?.expire(id, what: want == .line ? "a line of output" : "the process to exit")
        }
        defer { deadline.cancel() }
        try await withCheckedThrowingContinuation { cont in
            waiters[id] = (want, cont)
        }
    }

    private func wake() {
        for (id, waiter) in waiters where satisfied(waiter.want) {
            waiters[id] = nil
            waiter.cont.resume()
        }
    }

    private func expire(_ id: Int, what: String) {
        let partial = "stdout so far: \(String(decoding: out, as: UTF8.self))\nstderr so far: \(String(decoding: err, as: UTF8.self))"
        waiters.removeValue(forKey: id)?.cont.resume(throwing: Timeout(what: "\(what)\n\(partial)"))
    }
}

struct ChildEnded: Error, CustomStringConvertible {
    var what: String
    var output: String
    var errors: String
    var description: String { "the process closed its output before \(what)\nstdout: \(output)\nstderr: \(errors)" }
}
