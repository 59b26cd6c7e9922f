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

/// Runs a program to completion; returns its exit status and standard output (stderr dropped).
func runToEnd(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
