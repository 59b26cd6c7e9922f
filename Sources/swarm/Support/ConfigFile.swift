import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `~/.config/swarm/config.toml`: a flat file of `key = "value"` lines (the subset of TOML the
/// client needs). Written by `swarm login` with mode 0600 because it holds a token.
struct ConfigFile {
    /// Keys in file order, so rewriting keeps the user's layout of keys we do not own.
    var entries: [(key: String, value: String)] = []

    subscript(key: String) -> String? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// `$XDG_CONFIG_HOME/swarm/config.toml`, else `$HOME/.config/swarm/config.toml`.
    static func path(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return xdg + "/swarm/config.toml"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/swarm/config.toml"
    }

    /// The file's settings; an empty config when the file does not exist.
    static func load(path: String) throws -> ConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return ConfigFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(.other, "cannot read \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    static func parse(_ text: String, path: String) throws -> ConfigFile {
        var config = ConfigFile()
        var section = ""
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces) + "."
                continue
            }
            guard let eq = line.firstIndex(of: "="),
                  let value = value(line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)) else {
                throw CLIError(.other, "\(path):\(n + 1): expected key = \"value\"")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            config[section + key] = value
        }
        return config
    }

    /// A basic TOML string (`"…"` with backslash escapes), a literal one (`'…'`), or a bare word.
    private static func value(_ text: String) -> String? {
        if text.hasPrefix("'") {
            let rest = text.dropFirst()
            return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
        }
        guard text.hasPrefix("\"") else {
            let bare = text.split(separator: "#", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            return bare.isEmpty ? nil : bare
        }
        var out = ""
        var escaped = false
        for ch in text.dropFirst() {
            if escaped {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                return out
            } else {
                out.append(ch)
            }
        }
        return nil
    }

    func render() -> String {
        var text = "# Swarm client settings, written by `swarm login`.\n"
        for (key, value) in entries {
            let escaped = value
                .replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            text += "\(key) = \"\(escaped)\"\n"
        }
        return text
    }

    /// Writes atomically and never lets the token exist with a looser mode: the file is created
    /// 0600 under a temporary name, then renamed over the old one.
    func write(path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError(.other, "cannot create \(dir): \(error.localizedDescription)")
        }
        let temp = "\(path).\(getpid()).tmp"
        unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0o600)
        guard fd >= 0 else { throw CLIError(.other, "cannot write \(temp): \(String(cString: strerror(errno)))") }
        let bytes = Array(render().utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { writeBytes(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temp)
                throw CLIError(.other, "cannot write \(temp): \(reason)")
            }
            written += n
        }
        // Exactly 0600 whatever the umask (which may have narrowed O_CREAT's mode further).
        fchmod(fd, 0o600)
        fsync(fd)
        close(fd)
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw CLIError(.other, "cannot replace \(path): \(reason)")
        }
    }
}

/// `write(2)`, named apart from `ConfigFile.write(path:)`.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, bytes, count)
}
