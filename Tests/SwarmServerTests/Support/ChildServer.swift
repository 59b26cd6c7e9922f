import Foundation
import Synchronization

/// The built `swarmd` binary run as a child process, for tests that must kill it for real.
final class ChildServer: Sendable {
    let process: Spawned
    let port: Int

    /// Directory of the running test bundle; `swift build` puts the executables beside it.
    static var binDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static func binary(_ name: String) throws -> URL {
        let url = binDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw Timeout(what: "\(name) binary at \(url.path); run `swift build` first")
        }
        return url
    }

    /// Runs `swarmd` with `arguments` to completion and returns its standard output. `environment`
    /// is added to this process's (a PostgreSQL database for `admin`, see `TwoNodes`); without
    /// one, a `--db` of a test server on PostgreSQL reaches that server's database.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try runToEnd(binary("swarmd"), arguments,
                     environment: environment.isEmpty ? TestBackend.childEnvironment(arguments)
                                                      : ProcessInfo.processInfo.environment.merging(environment) { _, new in new })
    }

    /// Runs `swarmd` with `arguments` to completion; returns its exit status, stdout and stderr.
    static func runCapturingErrors(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("swarmd-stderr-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (status, output) = try runToEnd(binary("swarmd"), arguments, stderrPath: file, environment: TestBackend.childEnvironment(arguments))
        return (status, output, (try? String(contentsOfFile: file, encoding: .utf8)) ?? "")
    }

    /// Starts `swarmd serve --port 0 --db PATH` and waits (with a deadline) for its "listening" line.
    static func start(db: String, port: Int = 0, extra: [String] = [], environment: [String: String] = [:]) async throws -> ChildServer {
        var env = ProcessInfo.processInfo.environment
        env["SWARM_CONFIG"] = nil
        // As in-process test servers: a test's steps before its hello can outlast the default 10 s
        // when the shared box stalls; a test of the hello timeout passes its own value.
        env["SWARM_SERVER_HELLO_TIMEOUT_SECONDS"] = "120"
        // Likewise a slow PostgreSQL COMMIT on a stalled box; tests of the deadlines pass their own.
        env["SWARM_STORAGE_STATEMENT_TIMEOUT_MS"] = "60000"
        env["SWARM_STORAGE_TRANSACTION_TIMEOUT_MS"] = "120000"
        env.merge(environment) { _, new in new }
        let p = try Spawned.launch(
            binary("swarmd").path, ["serve", "--port", String(port), "--db", db, "--log-level", "error"] + extra,
            environment: env, directory: URL(fileURLWithPath: db).deletingLastPathComponent().path, stdout: .pipe)
        let lines = FDReader.lines(p.stdoutReader!, closeAtEnd: true)
        let port = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                for await line in lines where line.hasPrefix("swarmd listening on ") {
                    return Int(line.split(separator: ":").last ?? "")
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                throw Timeout(what: "swarmd to start")
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let port else {
            p.signal(SIGTERM)
            throw Timeout(what: "swarmd listening line")
        }
        return ChildServer(process: p, port: port)
    }

    /// Starts `swarmd` on a port below the kernel's ephemeral range (32768 and up on Linux), for
    /// tests that restart it on the same port. A port from that range (`--port 0`) can be taken by
    /// any outgoing connection on the box once the server is gone (another test's client, a
    /// benchmark's), and the restart then cannot bind it. A port some other listener holds makes
    /// the server exit at once: another is tried.
    static func startForRestarts(db: String) async throws -> ChildServer {
        var failure: (any Error)?
        for _ in 0..<8 {
            do {
                return try await start(db: db, port: Int.random(in: 20_000..<32_000))
            } catch {
                failure = error
            }
        }
        throw failure!
    }

    init(process: Spawned, port: Int) {
        self.process = process
        self.port = port
    }

    var url: String { "ws://127.0.0.1:\(port)/v1/ws" }

    /// SIGKILL: no shutdown code runs, exactly like a crash or the OOM killer.
    func kill() {
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        process.signal(SIGTERM)
        process.waitUntilExit()
    }
}

/// A value shared between test tasks behind a lock.
final class Locked<T: Sendable>: Sendable {
    private let mutex: Mutex<T>
    init(_ value: T) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout T) -> R) -> R { mutex.withLock { body(&$0) } }
}
