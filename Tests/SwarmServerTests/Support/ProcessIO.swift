import Foundation

/// Reads a file descriptor on its own thread with plain read(2), retrying on EINTR, and yields
/// each chunk. (FileHandle.availableData traps when a signal such as SIGCHLD interrupts it.)
enum FDReader {
    static func chunks(_ fd: Int32) -> AsyncStream<[UInt8]> {
        let (stream, sink) = AsyncStream<[UInt8]>.makeStream()
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                sink.yield(Array(buffer[0..<n]))
            }
            sink.finish()
        }
        thread.start()
        return stream
    }

    /// Complete lines, as they arrive.
    static func lines(_ fd: Int32) -> AsyncStream<String> {
        let chunks = chunks(fd)
        return AsyncStream { continuation in
            let task = Task {
                var pending = [UInt8]()
                for await chunk in chunks {
                    pending += chunk
                    while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        continuation.yield(String(decoding: pending[..<nl], as: UTF8.self))
                        pending.removeSubrange(...nl)
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// Runs a program to completion; returns its exit status and standard output (stderr dropped, or
/// written to `stderrPath`).
///
/// Uses posix_spawn and waitpid rather than Foundation's Process: Process learns of a child's exit
/// through a socket the child inherits, so when the child leaves a daemon behind (the first
/// `tmux` command starts the tmux server, which keeps that socket open) `waitUntilExit` never
/// returns. Here the child gets only fds 0–2 (the output pipe as its fd 1; every other descriptor
/// is marked close-on-exec first), and waitpid watches exactly this pid.
func runToEnd(_ executable: URL, _ arguments: [String], stderrPath: String = "/dev/null") throws -> (status: Int32, output: String) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw SpawnFailed(what: executable.path, code: errno) }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    markDescriptorsCloseOnExec()
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
    close(fds[1])
    guard rc == 0 else {
        close(fds[0])
        throw SpawnFailed(what: executable.path, code: rc)
    }
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 8192)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
        if n < 0, errno == EINTR { continue }
        if n <= 0 { break }
        output += buffer[0..<n]
    }
    close(fds[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { break }
    }
    // Exited normally: the exit code; killed by a signal: 128 + the signal, as shells report it.
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (code, String(decoding: output, as: UTF8.self))
}

/// Marks every open descriptor above 2 close-on-exec, so no child inherits them. NIO's accepted
/// sockets are not close-on-exec, and a daemon a child leaves behind (tmux) would keep the
/// sockets of the in-process test servers alive after the servers close them: a connection the
/// server cuts would never end for its client.
func markDescriptorsCloseOnExec() {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
    for fd in names.compactMap(Int32.init) where fd > 2 {
        let flags = fcntl(fd, F_GETFD)
        if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }
}

struct SpawnFailed: Error, CustomStringConvertible {
    var what: String
    var code: Int32
    var description: String { "could not start \(what): \(String(cString: strerror(code)))" }
}
