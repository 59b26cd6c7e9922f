import Foundation
import SwarmProtocol

/// Unbuffered writes to stdout and stderr: a `tail` piped into another program must deliver each
/// line as soon as it is printed, not when a stdio buffer fills.
enum Output {
    static func line(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }

    /// One compact JSON document on one line (keys sorted, so output is stable for diffs).
    static func json(_ value: JSONValue) {
        line(value.description)
    }

    /// Hints meant for a person (paging, "following…") go to stderr, and only to a terminal.
    static func hint(_ text: String) {
        if isatty(STDERR_FILENO) == 1 { error(text) }
    }
}
