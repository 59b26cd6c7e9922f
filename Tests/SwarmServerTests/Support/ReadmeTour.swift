import Foundation

/// The README's tour, read as the tests read it: its shell blocks, inline `code` and the slash
/// commands of the terminal client, so that a test can run exactly what a newcomer would type.
struct ReadmeTour {
    let text: String

    static func load() throws -> ReadmeTour {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return ReadmeTour(text: try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8))
    }

    /// A `## heading` section, up to the next one.
    func section(_ heading: String) -> String {
        guard let start = text.range(of: "\n## \(heading)") else { return "" }
        let rest = text[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
    }

    /// One numbered step of the tour (`7. Work a case…` up to `8.`).
    func step(_ n: Int) -> String {
        let tour = section("A 5-minute tour")
        guard let start = tour.range(of: "\n\(n). ") else { return "" }
        let rest = tour[start.lowerBound...]
        let end = rest.range(of: "\n\(n + 1). ")?.lowerBound ?? rest.range(of: "\n\nScripts use")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    /// The contents of the fenced blocks of `part` (`lang` "sh", or "" for unlabelled ones), each
    /// with its lines trimmed of the list indentation.
    static func blocks(_ part: String, lang: String) -> [[String]] {
        var blocks: [[String]] = []
        var current: [String]?
        for raw in part.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if current == nil, line == "```" + lang {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!)
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    /// Inline `code` spans of `part` that start with `prefix`.
    static func spans(_ part: String, prefix: String) -> [String] {
        part.split(separator: "`", omittingEmptySubsequences: false).enumerated().compactMap { i, piece in
            i % 2 == 1 && piece.hasPrefix(prefix) ? String(piece) : nil
        }
    }

    /// A slash command without its trailing `# comment` (two or more spaces, then `#` and a space).
    static func command(_ line: String) -> String {
        guard let r = line.range(of: #"\s{2,}#\s.*$"#, options: .regularExpression) else { return line }
        return String(line[..<r.lowerBound])
    }
}

/// Runs README shell lines as written with `sh`, `swift run X` meaning the built binary `X`.
struct TourShell {
    let directory: String
    let environment: [String: String]

    /// `exec` for a command that runs until stopped, so signals reach it and not the shell.
    func script(_ lines: [String], exec: Bool = false) -> [String] {
        let swift = "swift() { shift; b=\"$1\"; shift; \(exec ? "exec " : "")\"$SWARM_BIN/$b\" \"$@\"; }"
        return ["-c", (["set -e", "cd \"$TOUR_DIR\"", swift] + lines).joined(separator: "\n")]
    }

    func start(_ lines: [String], exec: Bool = false, extra: [String: String] = [:]) throws -> ChildProcess {
        var env = environment
        env["TOUR_DIR"] = directory
        env["SWARM_BIN"] = ChildServer.binDirectory.path
        env.merge(extra) { _, new in new }
        return try ChildProcess.launch("/bin/sh", script(lines, exec: exec), environment: env)
    }

    func run(_ lines: [String], extra: [String: String] = [:], seconds: Double = 30) async throws -> CLIResult {
        try await start(lines, extra: extra).wait(seconds: seconds)
    }
}
