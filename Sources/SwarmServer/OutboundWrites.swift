import Synchronization

/// How many writes (batches, one flush each) and frames this server's sessions wrote. Frames per
/// write is how well a connection's backlog coalesces; tests read it to check that a replay goes
/// out a page per write, not a frame per write. Pauses count the times a drain stopped because
/// its socket was not writable (a client reading slower than it is sent to).
final class OutboundWrites: Sendable {
    private let writeCount = Atomic<Int>(0)
    private let frameCount = Atomic<Int>(0)
    private let pauseCount = Atomic<Int>(0)

    func wrote(frames: Int) {
        writeCount.add(1, ordering: .relaxed)
        frameCount.add(frames, ordering: .relaxed)
    }

    func paused() { pauseCount.add(1, ordering: .relaxed) }

    var writes: Int { writeCount.load(ordering: .relaxed) }
    var frames: Int { frameCount.load(ordering: .relaxed) }
    var pauses: Int { pauseCount.load(ordering: .relaxed) }
}
