import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The outbox on disk. Lines typed but not yet acknowledged survive a quit, a crash or a reboot and
/// are sent the next time the client runs, with the idempotency key they were given when typed, so
/// a line the server did take before the client died is not posted twice. JSON lines, mode 0600:
/// the file holds private message text.
public struct OutboxFile: Sendable {
    public let path: String

    /// One file per server and token under the client's config directory, so a queue typed under
    /// one account is never sent with another account's token.
    public init(directory: String, url: String, token: String) {
        path = directory + "/outbox-" + Self.fnv1a(url + "\n" + token) + ".jsonl"
    }

    public init(path: String) { self.path = path }

    /// The queued lines in order; an unreadable line is skipped rather than blocking the rest.
    public func load() -> [ChatModel.Pending] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(ChatModel.Pending.self, from: Data($0)) }
    }

    /// Replaces the file with `pending` (removes it when empty). Written to a temporary file and
    /// renamed, so a crash mid-write leaves the old queue, never half of one.
    public func save(_ pending: [ChatModel.Pending]) throws {
        guard !pending.isEmpty else {
            if unlink(path) != 0, errno != ENOENT { throw CocoaError(.fileWriteUnknown) }
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        var bytes = Data()
        for p in pending {
            bytes += try encoder.encode(p)
            bytes.append(UInt8(ascii: "\n"))
        }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0, rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// FNV-1a, 64 bits, as hex: a stable file name, not a secret (the token is in config.toml anyway).
    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
