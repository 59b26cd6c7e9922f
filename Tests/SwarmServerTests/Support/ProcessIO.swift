import Foundation

/// Reads a file descriptor on its own thread with plain read(2), retrying on EINTR, and yields
/// each chunk. (FileHandle.availableData traps when a signal such as SIGCHLD interrupts it.)
enum FDReader {
    /// `closeAtEnd`: close the descriptor once it reports the end (pipes we own).
    static func chunks(_ fd: Int32, closeAtEnd: Bool = false) -> AsyncStream<[UInt8]> {
        let (stream, sink) = AsyncStream<[UInt8]>.makeStream()
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                sink.yield(Array(buffer[0..<n]))
            }
            if closeAtEnd { close(fd) }
            sink.finish()
        }
        thread.start()
        return stream
    }

    /// Complete lines, as they arrive.
    static func lines(_ fd: Int32, closeAtEnd: Bool = false) -> AsyncStream<String> {
        let chunks = chunks(fd, closeAtEnd: closeAtEnd)
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
/// written to `stderrPath`). The child gets fds 0–2 only, and waitpid watches exactly its pid (see
/// `Spawned`).
func runToEnd(_ executable: URL, _ arguments: [String], stderrPath: String = "/dev/null",
              environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let child = try Spawned.launch(executable.path, arguments, environment: environment, stdout: .pipe, stderr: .file(stderrPath))
    let fd = child.stdoutReader!
    var output = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 8192)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0, errno == EINTR { continue }
        if n <= 0 { break }
        output += buffer[0..<n]
    }
    close(fd)
    return (child.waitUntilExit(), String(decoding: output, as: UTF8.self))
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
