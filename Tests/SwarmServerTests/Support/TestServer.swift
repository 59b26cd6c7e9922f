import Foundation
import Synchronization
import Logging
import SwarmClient
import SwarmCore
import SwarmProtocol
import SwarmServer
import SwarmStore
import Testing

/// A real swarmd in this process on a free port with its own temporary database.
final class TestServer: Sendable {
    let server: SwarmServer
    let directory: URL
    let config: ServerConfig

    /// `directory`: reuse a database (a restart); `slaClock`: the store's clock (SLA tests).
    /// (`configure` comes before `slaClock` so that a trailing closure is the configuration.)
    static func start(directory: URL? = nil, configure: (inout ServerConfig) throws -> Void = { _ in },
                      slaClock: (@Sendable () -> Date)? = nil) async throws -> TestServer {
        let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("swarm-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var config = ServerConfig()
        config.port = 0
        config.databasePath = dir.appendingPathComponent("swarm.sqlite").path
        if let server = TestBackend.postgresURL {
            // One database per test server, named after its directory so a restart finds it again.
            let name = TestBackend.databaseName(dir)
            try await PostgresDatabases.create(name, serverURL: server)
            config.storageBackend = "postgres"
            config.storageURL = try PostgresDatabases.url(server, database: name)
            // Dozens of test servers run at once against one PostgreSQL: small pools.
            config.readers = 2
            // The shared box stalls for seconds under a full suite: a slow COMMIT must not become
            // `unavailable`. Tests of the deadlines set their own (NodesPostgresStallTests).
            config.statementTimeoutMilliseconds = 60_000
            config.transactionTimeoutMilliseconds = 120_000
        }
        config.synchronous = "normal"
        config.logLevel = "warning"
        // A test's steps before its hello can outlast the default 10 s when the shared box stalls
        // (BadInputTests and errors.jsonl did in CI); tests of the hello timeout set their own.
        config.helloTimeoutSeconds = 120
        try configure(&config)
        if config.storageBackend == "postgres" {
            TestBackend.databases.withLock { $0[config.databasePath] = config.storageURL }
        }
        var logger = Logger(label: "swarmd-test")
        logger.logLevel = ProcessInfo.processInfo.environment["SWARM_TEST_LOG"] == "debug" ? .debug : .warning
        let server = try await SwarmServer.start(config, logger: logger, slaClock: slaClock)
        return TestServer(server: server, directory: dir, config: config)
    }

    init(server: SwarmServer, directory: URL, config: ServerConfig) {
        self.server = server
        self.directory = directory
        self.config = config
    }

    var url: String { "ws://127.0.0.1:\(server.port)/v1/ws" }
    var store: SQLiteStore { server.store }

    func stop() async {
        await server.stop()
        try? FileManager.default.removeItem(at: directory)
        if let server = TestBackend.postgresURL { try? await PostgresDatabases.drop(TestBackend.databaseName(directory), serverURL: server) }
    }

    /// Every stored, undeleted message up to `id` as "id body", in id order: fuzz tests compare it
    /// before and after to show nothing stored changed.
    func storedMessages(upTo id: Int64 = .max) async throws -> [String] {
        try await store.backend.read { db in
            try db.fetchAll("SELECT id, body FROM messages WHERE deleted_at IS NULL AND id <= ? ORDER BY id", [id])
                .map { "\($0["id"] as Int64) \($0["body"] as String)" }
        }
    }

    /// Creates a user straight in the store; returns its token.
    func user(_ name: String, role: Role = .agent, skills: [String] = []) async throws -> String {
        try await store.createUser(name: name, role: role, skills: skills).1
    }

    /// Creates a user and connects them.
    func client(_ name: String, role: Role = .agent, after: Int64? = nil) async throws -> TestClient {
        let token = try await user(name, role: role)
        return try await TestClient.connect(url: url, token: token, after: after)
    }
}

/// Runs `body` against a fresh server and always stops it.
func withServer(configure: (inout ServerConfig) -> Void = { _ in }, _ body: (TestServer) async throws -> Void) async throws {
    let server = try await TestServer.start(configure: configure)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// Which database the suite runs on: SQLite unless SWARM_TEST_POSTGRES_URL names a PostgreSQL
/// server (`scripts/test.sh` sets it when PostgreSQL is installed and runs the suite twice).
enum TestBackend {
    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["SWARM_TEST_POSTGRES_URL"] ?? ""
        return url.isEmpty ? nil : url
    }()

    static var isSQLite: Bool { postgresURL == nil }

    /// Test servers' SQLite paths and the PostgreSQL databases that stand in for them, so a
    /// `swarmd admin … --db PATH` run by a test reaches the same data as its server.
    static let databases = Mutex<[String: String]>([:])

    /// The environment for a `swarmd` child run with `arguments`: on PostgreSQL, its `--db` mapped
    /// to the test server's database; nil (inherit) otherwise.
    static func childEnvironment(_ arguments: [String]) -> [String: String]? {
        guard let i = arguments.firstIndex(of: "--db"), i + 1 < arguments.count,
              let url = databases.withLock({ $0[arguments[i + 1]] }) else { return nil }
        var env = ProcessInfo.processInfo.environment
        env["SWARM_STORAGE_BACKEND"] = "postgres"
        env["SWARM_STORAGE_URL"] = url
        return env
    }

    static func databaseName(_ directory: URL) -> String {
        "t_" + directory.lastPathComponent.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(40)
    }
}

struct Timeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Waits until `condition` holds, checking every 20 ms, for state the server announces no
/// event for (counters, another database session's locks, a file it writes); fails with `what`
/// when `seconds` pass first.
func waitFor(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw Timeout(what: what) }
        try await Task.sleep(for: .milliseconds(20))
    }
}

extension Trait where Self == TimeLimitTrait {
    /// Every test that talks to a server gets a generous limit: a hang becomes a failure that names
    /// the test (and cancels its waits) instead of stalling the whole run until CI gives up.
    static var hangGuard: Self { .timeLimit(.minutes(5)) }
}

/// A step of a test that failed: which step, after how long, and why. Several waits of one test
/// fail with the same deadline error; this says which of them it was.
struct StepFailure: Error, CustomStringConvertible {
    var step: String
    var after: Duration
    var error: any Error
    var description: String { "\(step) failed after \(after): \(error)" }
}

/// Runs `body` as the named step of a test; a failure names the step.
@discardableResult
func step<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
    let start = ContinuousClock.now
    do {
        return try await body()
    } catch {
        throw StepFailure(step: name, after: ContinuousClock.now - start, error: error)
    }
}
