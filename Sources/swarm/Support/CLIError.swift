import Foundation
import SwarmClient
import SwarmProtocol

/// The process exit statuses `swarm` promises to scripts (listed in `swarm --help`).
enum ExitStatus: Int32 {
    case ok = 0
    case other = 1
    case usage = 2
    case auth = 3
    case notFound = 4
    case network = 5
}

/// A failure worded for the user, with the exit status it ends the process with.
struct CLIError: Error, CustomStringConvertible {
    var status: ExitStatus
    var message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    /// Classifies any error thrown while talking to the server; the server's own message is kept.
    init(_ error: any Error) {
        switch error {
        case let error as CLIError:
            self = error
        case let error as SwarmError:
            self.init(Self.status(for: error.code), "\(error.message) (\(error.code.rawValue))")
        case let closed as SwarmConnection.Closed:
            self = Self.closed(closed)
        case is DecodingError:
            self.init(.other, "unexpected reply from the server: \(error)")
        default:
            self.init(.other, "\(error)")
        }
    }

    var description: String { message }

    static func status(for code: ErrorCode) -> ExitStatus {
        switch code {
        case .unauthorized: .auth
        case .notFound, .forbidden: .notFound
        case .badRequest: .usage
        default: .other
        }
    }

    /// The connection ended while a command still needed it.
    static func closed(_ closed: SwarmConnection.Closed, resumeAfter seq: Int64? = nil) -> CLIError {
        if closed.code.map({ UInt16(clamping: $0) }) == CloseCode.unauthorized {
            return CLIError(.auth, "the server closed the session: token refused or revoked")
        }
        var text = "connection lost"
        if let code = closed.code { text += " (close code \(code)\(closed.reason.map { $0.isEmpty ? "" : ": \($0)" } ?? ""))" }
        else if let reason = closed.reason, !reason.isEmpty { text += ": \(reason)" }
        if let seq { text += "; resume with --after \(seq)" }
        return CLIError(.network, text)
    }
}
