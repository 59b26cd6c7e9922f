import Foundation
import SwarmClient
import SwarmProtocol

/// One authenticated connection for the life of a command: requests with a deadline, errors
/// translated into `CLIError` so every command reports and exits the same way.
struct ServerSession: Sendable {
    let connection: SwarmConnection
    let hello: HelloReply
    let settings: Settings
    /// Which of `settings.urls` this session is on.
    let node: Int

    var user: User { hello.user }

    static let clientName = "swarm-cli/0.1.0"

    /// Connects to the first node, from `startingAt` on (wrapping around), that accepts a
    /// connection: one that cannot be reached or drops before answering hello is skipped, an
    /// answer (a refused token, `resync_required`) is final, since every node shares the same data.
    /// All the nodes share one --timeout.
    static func open(_ settings: Settings, after: Int64? = nil, startingAt: Int = 0) async throws -> ServerSession {
        guard let token = settings.token else {
            throw CLIError(.auth, "no token: pass --token, set SWARM_TOKEN or run `swarm login`")
        }
        let urls = settings.urls
        let order = urls.indices.map { (startingAt + $0) % urls.count }
        let (connection, node) = try await Deadline.run(seconds: settings.timeout, "the connection to \(settings.url)") {
            var lastError: (any Error)?
            for i in order {
                do {
                    return (try await connect(urls[i], token: token, after: after), i)
                } catch let error as CLIError where error.status == .network {
                    lastError = error
                }
            }
            throw lastError ?? CLIError(.network, "cannot connect to \(settings.url)")
        }
        guard let hello = connection.hello else { throw CLIError(.other, "the server did not answer hello") }
        return ServerSession(connection: connection, hello: hello, settings: settings, node: node)
    }

    private static func connect(_ url: String, token: String, after: Int64?) async throws -> SwarmConnection {
        do {
            return try await SwarmConnection.connect(url: url, hello: HelloRequest(token: token, client: clientName, after: after))
        } catch let error as SwarmError {
            if error.code == .resyncRequired {
                throw CLIError(.other, "\(error.message) (run without --after to start from history)")
            }
            throw CLIError(error)
        } catch let closed as SwarmConnection.Closed where closed.code.map({ UInt16(clamping: $0) }) == CloseCode.unauthorized {
            throw CLIError.closed(closed)
        } catch {
            throw CLIError(.network, "cannot connect to \(url): \(Self.describe(error))")
        }
    }

    /// Sends a request and returns the reply's `data` as is (what `--json` prints).
    func call<T: Encodable & Sendable>(_ op: Op, _ data: T) async throws -> JSONValue {
        let connection = self.connection
        do {
            return try await Deadline.run(seconds: settings.timeout, "the reply to \(op.rawValue)") {
                try await connection.request(op.rawValue, data)
            }
        } catch {
            throw CLIError(error)
        }
    }

    /// Sends a request and returns the reply both as is and decoded.
    func call<T: Encodable & Sendable, R: Decodable>(_ op: Op, _ data: T, as type: R.Type) async throws -> (raw: JSONValue, value: R) {
        let raw = try await call(op, data)
        do {
            return (raw, try raw.decode(R.self))
        } catch {
            throw CLIError(.other, "unexpected reply to \(op.rawValue): \(error)")
        }
    }

    /// Closes politely, but never lets a silent server keep a finished command alive.
    func close() async {
        let connection = self.connection
        let (done, signal) = AsyncStream<Void>.makeStream()
        Task {
            await connection.close()
            signal.finish()
        }
        Task {
            try? await Task.sleep(for: .seconds(2))
            signal.finish()
        }
        for await _ in done {}
    }

    /// Connection errors from NIO describe themselves at length; the user needs the reason.
    static func describe(_ error: any Error) -> String {
        if let closed = error as? SwarmConnection.Closed { return closed.reason ?? "closed" }
        let text = "\(error)"
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        return text
    }
}

/// Ends the process with exit status 5 when the server takes too long. A process-level watchdog
/// because `SwarmConnection`'s calls do not observe task cancellation.
enum Deadline {
    static func run<T>(seconds: Double, _ what: String, _ body: () async throws -> T) async throws -> T {
        let watchdog = Task {
            try await Task.sleep(for: .seconds(seconds))
            Output.error("swarm: timed out after \(seconds.formatted()) s waiting for \(what)")
            exit(ExitStatus.network.rawValue)
        }
        defer { watchdog.cancel() }
        return try await body()
    }
}
