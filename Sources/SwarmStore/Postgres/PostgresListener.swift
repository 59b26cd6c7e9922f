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

/// LISTENs on one or more channels (`LogNotify.channel`, `PostgresClusterState.channel`) on a
/// connection of its own (not one of the store's pool: a pooled connection is busy in
/// transactions, and a LISTEN must stay open between them). It calls `onListening` once when every
/// LISTEN is in place (whatever was sent while it was down is read then) and `onNotification` once
/// per notification, and reconnects after a loss with a capped backoff.
public final class PostgresListener: Sendable {
    public let location: PostgresLocation
    public let channels: [String]
    let logger: Logger
    /// True while LISTEN is in place: the fallback poll may then run slowly.
    private let up = Atomic<Bool>(false)

    public init(location: PostgresLocation, channels: [String], logger: Logger) {
        self.location = location
        self.channels = channels
        self.logger = logger
    }

    public var isListening: Bool { up.load(ordering: .relaxed) }

    /// Runs until the task is cancelled.
    public func run(onListening: @escaping @Sendable () -> Void,
                    onNotification: @escaping @Sendable (_ channel: String, _ payload: String) -> Void) async {
        var backoff = Duration.milliseconds(100)
        var wasUp = true
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: location.configuration, id: 9_000, logger: logger)
                var lost: (any Error)?
                let recovering = !wasUp
                do {
                    try await listen(connection, channels[...], onNotification) { [self] in
                        up.store(true, ordering: .relaxed)
                        if recovering { logger.notice("listening for notifications again", metadata: ["channels": "\(channels)"]) }
                        onListening()
                    }
                } catch {
                    lost = error
                }
                if up.load(ordering: .relaxed) {
                    wasUp = true
                    backoff = .milliseconds(100)
                }
                up.store(false, ordering: .relaxed)
                // Closed before it is let go of (PostgresNIO asserts that), also when the server cut it.
                try? await connection.close()
                if let lost { throw lost }
                // The sequences ended: the connection closed under us.
                if !Task.isCancelled { throw SQLUnavailable("the LISTEN connection closed") }
            } catch {
                guard !Task.isCancelled else { return }
                if wasUp {
                    logger.warning("lost the notification listener; polling until it is back",
                                   metadata: ["error": "\(PostgresBackend.describe(error))", "url": "\(location.redacted)"])
                }
                wasUp = false
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
            }
        }
    }

    /// LISTENs on each channel in turn (PostgresNIO's listen is scoped: UNLISTEN when its closure
    /// returns), then consumes them all at once; returns when any of them ends, so the caller
    /// reconnects.
    private func listen(_ connection: PostgresConnection, _ rest: ArraySlice<String>,
                        _ onNotification: @escaping @Sendable (String, String) -> Void,
                        _ sequences: [(String, PostgresNotificationSequence)] = [],
                        ready: @escaping @Sendable () -> Void) async throws {
        guard let channel = rest.first else {
            ready()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, notifications) in sequences {
                    group.addTask {
                        for try await n in notifications { onNotification(name, n.payload) }
                    }
                }
                _ = try await group.next()
                group.cancelAll()
            }
            return
        }
        try await connection.listen(on: channel) { notifications in
            try await listen(connection, rest.dropFirst(), onNotification, sequences + [(channel, notifications)], ready: ready)
        }
    }
}
