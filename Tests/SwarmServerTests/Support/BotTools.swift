import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SwarmProtocol

/// What the bot tests need from outside the Swift build: the repository's `examples/`, external
/// tools found on PATH, and a small JSON-over-HTTP poster.
enum BotTools {
    /// The repository root, from this file's place in it (Tests/SwarmServerTests/Support/).
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ path: String) -> String { repoRoot.appendingPathComponent("examples").appendingPathComponent(path).path }

    /// The first executable called `name` on PATH, like `command -v`.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Every tool named here is on PATH. Tests skip only when one is truly absent; a missing
    /// library or Python package fails the test with how to install it.
    static func have(_ tools: String...) -> Bool { tools.allSatisfy { which($0) != nil } }

    /// The test process's environment minus Swarm's own settings, for child processes (pyenv
    /// shims and the like need theirs).
    static var childEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWARM_") }
    }

    /// Runs a tool to completion with a deadline, its output drained off the cooperative pool.
    static func run(_ tool: String, _ args: [String], seconds: Double = 60) async throws -> CLIResult {
        guard let path = tool.hasPrefix("/") ? tool : which(tool) else { throw MissingBinary(looked: [tool]) }
        return try await ChildProcess.launch(path, args, environment: childEnvironment).wait(seconds: seconds)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// The answer of a bot HTTP endpoint: status plus the decoded `{"ok", "data" | "error"}` body.
struct HTTPAnswer {
    var status: Int
    var json: JSONValue

    var ok: Bool { json["ok"] == .bool(true) }
    var data: JSONValue? { json["data"] }
    var errorCode: String? { json["error"]?["code"]?.string }
    var errorMessage: String { json["error"]?["message"]?.string ?? "" }
}

/// POSTs a raw body with an optional bearer token.
func httpPost(port: Int, _ path: String, token: String?, body: Data) async throws -> HTTPAnswer {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 20)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    request.httpBody = body
    let (data, response) = try await URLSession.shared.data(for: request)
    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
    let json = (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .string(String(decoding: data, as: UTF8.self))
    return HTTPAnswer(status: status, json: json)
}

func httpPost<T: Encodable>(port: Int, _ path: String, token: String?, _ value: T) async throws -> HTTPAnswer {
    try await httpPost(port: port, path, token: token, body: try JSONEncoder().encode(value))
}
