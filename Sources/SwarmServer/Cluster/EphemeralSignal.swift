import Foundation

/// A NOTIFY payload on `swarm_ephemeral` (PostgresClusterState.channel): ids only, never message
/// content, far below PostgreSQL's 8000-byte payload limit (typing with a longer `thread` than
/// `maxThread` stays on its node). Every node hears its own too, and skips it by `node`.
struct EphemeralSignal: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        /// The sender's rows in `cluster_presence` changed: read them again.
        case presence
        /// A member typed in `channel` (and `thread`).
        case typing
    }

    var node: String
    var kind: Kind
    var channel: Int64?
    var user: Int64?
    var thread: String?

    /// Longest `thread` carried across; the protocol passes it through unchecked, but a real one is a
    /// short message id.
    static let maxThread = 200

    var encoded: String {
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self)
    }

    static func decode(_ payload: String) -> EphemeralSignal? {
        try? JSONDecoder().decode(EphemeralSignal.self, from: Data(payload.utf8))
    }
}
