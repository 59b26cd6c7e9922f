#if canImport(Glibc)
import Foundation
import Glibc

/// N connected TCP pairs on 127.0.0.1: the accepted ends (the server's, `TCP_NODELAY` as NIO
/// sets it) and the connecting ends (the clients', non-blocking for the reader).
enum LoopbackPairs {
    static func open(_ count: Int) -> (served: [Int32], clients: [Int32]) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { fatal("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withSockaddr(&address) { guard bind(listener, $0, length) == 0 else { fatal("bind: \(String(cString: strerror(errno)))") } }
        guard listen(listener, 1024) == 0 else { fatal("listen: \(String(cString: strerror(errno)))") }
        withSockaddr(&address) { _ = getsockname(listener, $0, &length) }

        var served: [Int32] = []
        var clients: [Int32] = []
        for _ in 0..<count {
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard client >= 0 else { fatal("socket: \(String(cString: strerror(errno))) (raise ulimit -n)") }
            withSockaddr(&address) { guard connect(client, $0, length) == 0 else { fatal("connect: \(String(cString: strerror(errno)))") } }
            let accepted = accept(listener, nil, nil)
            guard accepted >= 0 else { fatal("accept: \(String(cString: strerror(errno)))") }
            setsockopt(accepted, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            served.append(accepted)
            clients.append(client)
        }
        close(listener)
        return (served, clients)
    }

    private static func withSockaddr(_ address: inout sockaddr_in, _ body: (UnsafeMutablePointer<sockaddr>) -> Void) {
        withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
    }
}

/// Reads every client socket until stopped: one `poll` thread, as a load tool's event loop. Its
/// CPU is reported apart; it is the clients' cost, not the floor's.
final class ReaderThread: @unchecked Sendable {
    private let fds: [Int32]
    /// Written once to stop the thread: the last entry of the poll set.
    private let stopPipe: (read: Int32, write: Int32)
    private let done = NSCondition()
    private var finished = false
    /// The thread's CPU at the start of the measured window and at the end.
    private var cpuAtMark: Int64 = 0
    private var cpuAtEnd: Int64 = 0
    private let markAt: Int64

    init(fds: [Int32], measureFrom: Int64) {
        self.fds = fds
        markAt = measureFrom
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { fatal("pipe: \(String(cString: strerror(errno)))") }
        stopPipe = (ends[0], ends[1])
    }

    func start() {
        Thread { self.loop() }.start()
    }

    private func loop() {
        var set = (fds + [stopPipe.read]).map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var marked = false
        while true {
            let n = poll(&set, nfds_t(set.count), 100)
            if !marked, monotonicNanos() >= markAt {
                marked = true
                cpuAtMark = threadCPUNanos()
            }
            guard n >= 0 else { if errno == EINTR { continue }; fatal("poll: \(String(cString: strerror(errno)))") }
            if set[fds.count].revents != 0 {
                done.lock(); cpuAtEnd = threadCPUNanos(); finished = true; done.broadcast(); done.unlock()
                return
            }
            for i in fds.indices where set[i].revents != 0 {
                _ = buffer.withUnsafeMutableBytes { read(fds[i], $0.baseAddress, $0.count) }
            }
        }
    }

    /// Stops the thread; its CPU from `measureFrom` on (0 when it never saw that moment).
    func stop() -> Int64 {
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
        done.lock()
        while !finished { done.wait() }
        done.unlock()
        close(stopPipe.read)
        close(stopPipe.write)
        return cpuAtMark == 0 ? 0 : cpuAtEnd - cpuAtMark
    }
}
#endif
