import Foundation
import SwarmStore

/// Client-chosen text headed for the log. A client that puts its token in the wrong member
/// (`op`, `id`, `client`, a channel name echoed in an error message) must not get it written to
/// disk: long letter-digit runs (what random secrets look like) are replaced by their length and
/// a short hash, enough to tell two requests apart and nothing to recover. Control characters
/// become `?`, so client text cannot forge log lines.
enum LogSafe {
    /// `value` when short, with secret-looking runs hidden; over `maxLength`, only its fingerprint.
    static func text(_ value: String, maxLength: Int = 40) -> String {
        value.utf8.count > maxLength ? fingerprint(value) : redact(value)
    }

    /// `<N bytes, sha256 0123abcd>`: fixed length whatever comes in.
    static func fingerprint(_ value: String) -> String {
        let digest = TokenSecrets.hash(value).prefix(4).map { String(format: "%02x", $0) }.joined()
        return "<\(value.utf8.count) bytes, sha256 \(digest)>"
    }

    /// Keeps the words of an error message, hides every run of 20+ letters, digits and `_`
    /// (a token is one such run of 68) and anything with the token prefix `swt_`.
    static func redact(_ value: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += run.count >= 20 || run.lowercased().contains("swt_") ? fingerprint(run) : run
            run = ""
        }
        for scalar in value.unicodeScalars {
            if scalar.properties.isAlphabetic || (0x30...0x39).contains(scalar.value) || scalar == "_" {
                run.unicodeScalars.append(scalar)
                continue
            }
            flush()
            out.unicodeScalars.append(scalar.value < 0x20 || scalar.value == 0x7F ? "?" : scalar)
        }
        flush()
        return out
    }
}
