#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// The controlling terminal: raw mode, size, resize signals and input bytes.
public final class Terminal: @unchecked Sendable {
    // Written once in enableRaw and read in restore, both from the app's main task.
    private var original = termios()
    private var raw = false

    public init() {}

    public static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    public func enableRaw() {
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return }
        var t = original
        cfmakeraw(&t)
        // Keep output post-processing so "\n" still returns the carriage in plain prints.
        t.c_oflag |= tcflag_t(OPOST)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &t)
        raw = true
    }

    public func restore() {
        if raw { tcsetattr(STDIN_FILENO, TCSAFLUSH, &original) }
        raw = false
    }

    public func size() -> (width: Int, height: Int) {
        var ws = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            return (Int(ws.ws_col), Int(ws.ws_row))
        }
        return (80, 24)
    }

    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
        bytes.removeAll()
    }

    /// Bytes typed, as they arrive. A dedicated thread blocks in read(2) so no cooperative thread
    /// is held.
    public func input() -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            let thread = Thread {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                    if n < 0, errno == EINTR { continue }
                    if n <= 0 { break }
                    continuation.yield(Array(buffer[0..<n]))
                }
                continuation.finish()
            }
            thread.start()
        }
    }

    /// One element when the process is asked to stop (SIGTERM, SIGHUP, SIGINT), so the app can
    /// leave the alternate screen and restore the terminal instead of dying in raw mode.
    public func terminations() -> AsyncStream<Void> {
        AsyncStream { continuation in
            let boxes = [SIGTERM, SIGHUP, SIGINT].map { sig in
                signal(sig, SIG_IGN)
                let box = SignalSourceBox(DispatchSource.makeSignalSource(signal: sig, queue: .global()))
                box.source.setEventHandler { continuation.yield() }
                box.source.resume()
                return box
            }
            continuation.onTermination = { _ in boxes.forEach { $0.source.cancel() } }
        }
    }

    /// The backstop for a quit that cannot reach its cleanup (a main loop stuck in work): after
    /// `grace` seconds the terminal is given back from here and the process exits, so a SIGTERM is
    /// never ignored and the shell is never left in the alternate screen or raw mode.
    public func exit(afterGrace grace: Double, code: Int32) {
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
            let leave = Array(ANSI.leaveAlternateScreen.utf8)
            _ = leave.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            var modes = original
            if raw { tcsetattr(STDIN_FILENO, TCSAFLUSH, &modes) }
            _exit(code)
        }
    }

    /// One element per SIGWINCH.
    public func resizes() -> AsyncStream<Void> {
        AsyncStream { continuation in
            signal(SIGWINCH, SIG_IGN)
            let box = SignalSourceBox(DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global()))
            box.source.setEventHandler { continuation.yield() }
            box.source.resume()
            continuation.onTermination = { _ in box.source.cancel() }
        }
    }
}

/// DispatchSource is thread-safe but not marked Sendable.
private final class SignalSourceBox: @unchecked Sendable {
    let source: any DispatchSourceSignal
    init(_ source: any DispatchSourceSignal) { self.source = source }
}
