import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The channel a node NOTIFYs after a write batch that appended events commits. The payload is at
/// most the new head seq as text, never event data: a listener only learns that the log grew and
/// reads the events themselves from the log, in seq order.
public enum LogNotify {
    public static let channel = "swarm_log"
}

/// LISTENs for `LogNotify.channel` on a connection of its own (not one of the store's pool: a
/// pooled connection is busy in transactions, and a LISTEN must stay open between them). It calls
/// `onSignal` once when LISTEN is in place (whatever was committed while it was down is read then)
/// and once per notification, and reconnects after a loss with a capped backoff.
public final class PostgresLogListener: Sendable {
    public let location: PostgresLocation
    let logger: Logger
    /// True while LISTEN is in place: the fallback poll may then run slowly.
    private let up = Atomic<Bool>(false)

    public init(location: PostgresLocation, logger: Logger) {
        self.location = location
        self.logger = logger
    }

    public var isListening: Bool { up.load(ordering: .relaxed) }

    /// Runs until the task is cancelled.
    public func run(onSignal: @escaping @Sendable () -> Void) async {
        var backoff = Duration.milliseconds(100)
        var wasUp = true
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: location.configuration, id: 9_000, logger: logger)
                var lost: (any Error)?
                do {
                    try await connection.listen(on: LogNotify.channel) { notifications in
                        up.store(true, ordering: .relaxed)
                        if !wasUp { logger.notice("listening for log notifications again", metadata: ["channel": "\(LogNotify.channel)"]) }
                        wasUp = true
                        backoff = .milliseconds(100)
                        onSignal()
                        for try await _ in notifications { onSignal() }
                    }
                } catch {
                    lost = error
                }
                up.store(false, ordering: .relaxed)
                // Closed before it is let go of (PostgresNIO asserts that), also when the server cut it.
                try? await connection.close()
                if let lost { throw lost }
                // The sequence ended: the connection closed under us.
                if !Task.isCancelled { throw SQLUnavailable("the LISTEN connection closed") }
            } catch {
                guard !Task.isCancelled else { return }
                if wasUp {
                    logger.warning("lost the log notification listener; polling until it is back",
                                   metadata: ["error": "\(PostgresBackend.describe(error))", "url": "\(location.redacted)"])
                }
                wasUp = false
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
            }
        }
    }
}
