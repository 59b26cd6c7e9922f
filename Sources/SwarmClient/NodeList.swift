import Foundation

/// The swarmd nodes a client may use, in the order it tries them (PROTOCOL §27): any node serves
/// any client and a resume (`hello {after}`) works on any of them, so when the current node is
/// unreachable or drops, the client moves to the next one and resumes from its last seq.
public struct NodeList: Sendable, Equatable {
    public let urls: [String]
    public private(set) var index = 0

    /// `values` as given (a repeated `--url`, each maybe comma-separated); empty entries are
    /// dropped. Nil when no URL is left.
    public init?(_ values: [String]) {
        let urls = Self.split(values)
        guard !urls.isEmpty else { return nil }
        self.urls = urls
    }

    /// `"ws://a/v1/ws, ws://b/v1/ws"` → both, trimmed, empty entries dropped, order kept.
    public static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public var current: String { urls[index] }
    public var count: Int { urls.count }

    /// Moves to the next node (after the last, the first again).
    public mutating func advance() { index = (index + 1) % urls.count }

    public mutating func select(_ i: Int) { index = ((i % urls.count) + urls.count) % urls.count }

    /// `host:port` of the current node, for a status line.
    public var label: String { Self.label(current) }

    public static func label(_ url: String) -> String {
        guard let u = URL(string: url), let host = u.host else { return url }
        return u.port.map { "\(host):\($0)" } ?? host
    }
}
