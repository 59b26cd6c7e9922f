import Foundation


/// A program running in a detached tmux session, driven like a person at a terminal: keys go in
/// with send-keys, the screen comes back with capture-pane. Waiting is event-driven: the pane's
/// output is piped into a FIFO, and the screen is checked again each time the program draws.
final class TmuxSession: Sendable {
    let name: String
    let fifo: String
    let output: AsyncStream<Void>
    private let reader: FileHandle

    static var available: Bool { (try? run(["tmux", "-V"]))?.status == 0 }

    @discardableResult
    static func run(_ args: [String]) throws -> (status: Int32, output: String) {
        try runToEnd(URL(fileURLWithPath: "/usr/bin/env"), args)
    }

    init(command: [String], environment: [String: String], width: Int = 120, height: Int = 32) throws {
        name = "swarm-test-\(UUID().uuidString.prefix(8))"
        let dir = FileManager.default.temporaryDirectory.path
        fifo = "\(dir)/\(name).fifo"
        guard mkfifo(fifo, 0o600) == 0 else { throw Timeout(what: "mkfifo \(fifo)") }
        let env = environment.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let shell = "env \(env) " + command.map(Self.quote).joined(separator: " ")
        try Self.run(["tmux", "new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), shell])
        try Self.run(["tmux", "pipe-pane", "-t", name, "-o", "cat > \(Self.quote(fifo))"])
        // Opening a FIFO for reading blocks until the writer (tmux's cat) opens it.
        let path = fifo
        reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        let (stream, sink) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        output = stream
        let chunks = FDReader.chunks(reader.fileDescriptor)
        Task {
            for await _ in chunks { sink.yield() }
            sink.finish()
        }
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    var screen: String { (try? Self.run(["tmux", "capture-pane", "-p", "-t", name]).output) ?? "" }

    /// Types text literally, then presses Enter.
    func type(_ text: String, enter: Bool = true) throws {
        try Self.run(["tmux", "send-keys", "-t", name, "-l", text])
        if enter { try Self.run(["tmux", "send-keys", "-t", name, "Enter"]) }
    }

    func press(_ key: String) throws { try Self.run(["tmux", "send-keys", "-t", name, key]) }

    /// Waits until the screen satisfies `predicate`, re-checking whenever the program draws.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 20, _ predicate: @escaping @Sendable (String) -> Bool) async throws -> String {
        let output = self.output
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                let first = self.screen
                if predicate(first) { return first }
                for await _ in output {
                    let s = self.screen
                    if predicate(s) { return s }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw Timeout(what: "\(what); screen was:\n\(self.screen)")
            }
            defer { group.cancelAll() }
            guard let s = try await group.next() ?? nil else { throw Timeout(what: "\(what) (program exited); screen:\n\(screen)") }
            return s
        }
    }

    func close() {
        _ = try? Self.run(["tmux", "kill-session", "-t", name])
        try? reader.close()
        unlink(fifo)
    }
}
