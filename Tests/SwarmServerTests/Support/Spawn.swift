import Foundation
import Synchronization

/// A child process started with posix_spawn, in place of Foundation's `Process`.
///
/// Why not `Process`: on Linux (swift-corelibs-foundation up to at least Swift 6.3.1)
/// `Process.run()` scans /proc/self/fd copying each dirent's whole 256-byte `d_name`, which reads
/// past the end of glibc's buffer; with the many sockets a test run holds open it crashed the whole
/// test process now and then (SIGSEGV in `Process.run`, CI of 2026-12-05; fixed upstream in
/// swiftlang/swift-corelibs-foundation#5472). It also learns of an exit through a socket the child
/// inherits, which a daemon the child leaves behind (tmux) keeps open.
///
/// Here the child gets fds 0–2 only (closefrom in the spawn, or close-on-exec marks where glibc
/// lacks it), and one thread per child blocks in waitpid(pid) for exactly that child.
final class Spawned: Sendable {
    enum Input: Sendable { case null, pipe }
    enum Output: Sendable { case null, pipe, file(String) }

    let pid: pid_t
    /// Our ends of the pipes asked for (nil otherwise); the caller reads/writes and closes them.
    let stdinWriter: Int32?
    let stdoutReader: Int32?
    let stderrReader: Int32?
    private let state = Mutex(ExitState())
    /// Entered at launch, left at exit: a blocking wait that needs no task (tests call
    /// `runToEnd` from the cooperative pool, which must not wait on another task).
    private let exited = DispatchGroup()

    private struct ExitState {
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private init(pid: pid_t, stdinWriter: Int32?, stdoutReader: Int32?, stderrReader: Int32?) {
        self.pid = pid
        self.stdinWriter = stdinWriter
        self.stdoutReader = stdoutReader
        self.stderrReader = stderrReader
    }

    static func launch(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        stdin: Input = .null, stdout: Output = .null, stderr: Output = .null
    ) throws -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [Int32] = []
        var ourEnds: [Int32] = []
        defer { childEnds.forEach { close($0) } }
        func pipePair() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw SpawnFailed(what: path, code: errno) }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return (fds[0], fds[1])
        }
        do {
            var stdinWriter: Int32?
            switch stdin {
            case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            case .pipe:
                let p = try pipePair()
                childEnds.append(p.read); ourEnds.append(p.write); stdinWriter = p.write
                posix_spawn_file_actions_adddup2(&actions, p.read, 0)
            }
            func route(_ output: Output, to fd: Int32) throws -> Int32? {
                switch output {
                case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0); return nil
                case .file(let file): posix_spawn_file_actions_addopen(&actions, fd, file, O_WRONLY | O_CREAT | O_TRUNC, 0o644); return nil
                case .pipe:
                    let p = try pipePair()
                    childEnds.append(p.write); ourEnds.append(p.read)
                    posix_spawn_file_actions_adddup2(&actions, p.write, fd)
                    return p.read
                }
            }
            let stdoutReader = try route(stdout, to: 1)
            let stderrReader = try route(stderr, to: 2)
            if let directory { SpawnExtras.chdir(&actions, directory) }
            if !SpawnExtras.closeFrom(&actions, 3) { markDescriptorsCloseOnExec() }

            let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            let rc: Int32
            if let environment {
                let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
                defer { envp.forEach { free($0) } }
                rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
            } else {
                rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
            }
            guard rc == 0 else { throw SpawnFailed(what: path, code: rc) }
            let child = Spawned(pid: pid, stdinWriter: stdinWriter, stdoutReader: stdoutReader, stderrReader: stderrReader)
            child.watchExit()
            return child
        } catch {
            ourEnds.forEach { close($0) }
            throw error
        }
    }

    /// One thread blocks in waitpid for this child only; waiters resume with the shell-style code.
    private func watchExit() {
        let pid = pid
        exited.enter()
        let thread = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 {
                guard errno == EINTR else { raw = 0x7f00; break }  // no such child: report 127
            }
            // Exited normally: the exit code; killed by a signal: 128 + the signal, as shells report it.
            let code = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            let waiters = state.withLock { s in
                s.status = code
                defer { s.waiters = [] }
                return s.waiters
            }
            exited.leave()
            waiters.forEach { $0.resume(returning: code) }
        }
        thread.start()
    }

    var isRunning: Bool { state.withLock { $0.status == nil } }

    /// The exit code (128 + signal when killed by one).
    func exitCode() async -> Int32 {
        await withCheckedContinuation { cont in
            let done: Int32? = state.withLock { s in
                if let status = s.status { return status }
                s.waiters.append(cont)
                return nil
            }
            if let done { cont.resume(returning: done) }
        }
    }

    /// Blocks the calling thread until the child has exited; its exit code.
    @discardableResult
    func waitUntilExit() -> Int32 {
        exited.wait()
        return state.withLock { $0.status ?? 127 }
    }

    func signal(_ sig: Int32) {
        if isRunning { _ = kill(pid, sig) }
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `…_addchdir_np` (2.29) are not
/// in Swift's Glibc module; they are looked up at run time and skipped where missing.
private enum SpawnExtras {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    private static func symbol<T>(_ name: String, as: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: T.self)
    }

    static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ fd: Int32) -> Bool {
        guard let f = symbol("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self) else { return false }
        return f(actions, fd) == 0
    }

    static func chdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) {
        guard let f = symbol("posix_spawn_file_actions_addchdir_np", as: ChangeDir.self) else { return }
        _ = path.withCString { f(actions, $0) }
    }
}
