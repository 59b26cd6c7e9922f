import Synchronization
import SwarmClient
import SwarmProtocol

/// Counts failures by kind (error code, close code, or error text), from any task.
final class Tally: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func add(_ key: String, _ n: Int = 1) {
        counts.withLock { $0[key, default: 0] += n }
    }

    func add(_ error: any Error) { add(Self.kind(of: error)) }

    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
    var snapshot: [String: Int] { counts.withLock { $0 } }

    /// A short, stable name for an error, so thousands of failures group into a few lines.
    static func kind(of error: any Error) -> String {
        switch error {
        case let e as SwarmError: return e.code.rawValue
        case let e as SwarmConnection.Closed:
            if let code = e.code { return "closed \(code)" }
            return "closed: " + short(e.reason ?? "no reason")
        default: return short("\(error)")
        }
    }

    /// NIO's errors put the cause (`Connection refused`, `Too many open files`) at the end of a
    /// long description, so long texts keep their start and their end.
    static func short(_ text: String) -> String {
        guard text.count > 100 else { return text }
        return text.prefix(40) + " … " + text.suffix(56)
    }
}

/// A counter shared by many tasks.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ n: Int = 1) { value.add(n, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}
