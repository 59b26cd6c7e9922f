import Foundation
import NIOCore
@testable import SwarmServer
import SwarmProtocol
import Testing

/// A connection's drain takes everything queued at once and writes it with one flush
/// (`OutboundQueue`, `OutboundDrain`; replays a page per write, `FrameBatchWriter`), so a backlog
/// costs one `writev` per batch, not one per frame.
@Suite("Outbound writes: batched, in order, bounded", .hangGuard)
struct WriteBatchTests {
    @Test("a replay of 600 events arrives complete and in order, a page per write")
    func replayIsBatched() async throws {
        try await withServer { server in
            let (alice, _, _, lastSeen, posted) = try await ResumeTests.missedWhileAway(server, posts: 600)

            let before = server.server.outboundWrites
            let back = try await TestClient.connect(url: server.url, token: alice.token, after: lastSeen)
            var replayed: [String] = []
            for _ in 0..<600 { replayed.append(try await back.event("message.new").decode(Message.self).id) }
            let ready = try await back.event("ready")
            let after = server.server.outboundWrites
            #expect(replayed == posted)
            #expect(ready.data?["replayed"]?.int == 600)
            // hello's reply, then pages of 500 and 100 (with ready): 3 writes. A frame per write
            // would be 602. Bob's idle connection writes nothing meanwhile.
            #expect(after.frames - before.frames >= 602)
            #expect(after.writes - before.writes < 10, "\(after.writes - before.writes) writes for 602 frames")
        }
    }

    @Test("a post's own message.new and its reply reach the poster in one write")
    func postEventAndReplyShareAWrite() async throws {
        // Without a tick, so nothing is held: only the order of the commit's hand-over decides
        // whether the reply finds its event still queued (`DeferredRounds`).
        try await withServer(configure: { $0.deliveryTickMilliseconds = 0 }) { server in
            let alice = try await server.client("alice")
            let channel = try await alice.createChannel("own-posts")
            let before = server.server.outboundWrites
            for n in 0..<10 {
                let posted = try await alice.post(channel.id, "post \(n)")
                let event = try await alice.event("message.new", seconds: 10)
                #expect(try event.decode(Message.self).id == posted.id)
            }
            let after = server.server.outboundWrites
            // 10 events and 10 replies: one write each when the round ran before the request's
            // rest, which queues the reply (shown: 20). A write is counted just after its flush, so
            // the client may read one before it counts: a frame pair either way at the edges.
            let frames = after.frames - before.frames, writes = after.writes - before.writes
            #expect(frames >= 18 && frames <= 22, "\(frames) frames")
            #expect(writes <= 11, "\(writes) writes for \(frames) frames")
        }
    }

    @Test("the queue asks for one drain when idle, hands over everything queued in order, refuses beyond its bound, and ends after finish")
    func queue() {
        let queue = OutboundQueue(limit: 3)
        #expect(queue.push(Self.frame(1)) == .drainNeeded)
        #expect(queue.push(Self.frame(2)) == .enqueued, "a drain is already asked for")
        #expect(queue.push(Self.frame(3)) == .enqueued)
        #expect(queue.push(Self.frame(4)) == .dropped)
        var batch = CircularBuffer<Outbound>()
        #expect(queue.takeForDrain(into: &batch) == 0)
        #expect(batch.map(Self.seq) == [1, 2, 3])
        batch.removeAll(keepingCapacity: true)
        #expect(queue.takeForDrain(into: &batch) == nil, "empty: the drain ends")
        // Taken items no longer count against the bound; the idle queue asks for a drain again.
        #expect(queue.push(Self.frame(5)) == .drainNeeded)
        queue.finish()
        #expect(queue.push(Self.frame(6)) == .terminated)
        #expect(queue.takeForDrain(into: &batch) == 0)
        #expect(batch.map(Self.seq) == [5])
        batch.removeAll(keepingCapacity: true)
        #expect(queue.takeForDrain(into: &batch) == nil)
        #expect(queue.takeTurn().map(Self.isEnd) == true, "finished and empty")
    }

    @Test("an item that must not wait, queued behind held events, asks once for their drain to run now")
    func expediteOncePerHeldDrain() {
        let queue = OutboundQueue(limit: 16)
        #expect(queue.push(Self.frame(1), held: true) == .drainNeeded)
        #expect(queue.push(Self.frame(2), held: true) == .enqueued)
        #expect(queue.push(Self.frame(3)) == .expediteNeeded, "behind held events")
        #expect(queue.push(Self.frame(4)) == .enqueued, "expedited already")
        var batch = CircularBuffer<Outbound>()
        #expect(queue.takeForDrain(into: &batch) == 0)
        batch.removeAll(keepingCapacity: true)
        #expect(queue.takeForDrain(into: &batch) == nil)
        // A drain asked for by an item that is not held runs at once: nothing to expedite.
        #expect(queue.push(Self.frame(5)) == .drainNeeded)
        #expect(queue.push(Self.frame(6), held: true) == .enqueued)
        #expect(queue.push(Self.frame(7)) == .enqueued)
    }

    @Test("a replay and a close are handed to the session at their place in the queue; frames behind them wait")
    func turns() {
        let queue = OutboundQueue(limit: 16)
        #expect(queue.push(Self.frame(1)) == .drainNeeded)
        #expect(queue.push(.replay(after: 0, user: 1, head: 9)) == .enqueued)
        #expect(queue.push(Self.frame(7)) == .enqueued)
        #expect(queue.push(Self.frame(10)) == .enqueued)
        #expect(queue.push(.close(code: 1000, reason: "bye")) == .enqueued)
        var batch = CircularBuffer<Outbound>()
        #expect(queue.takeForDrain(into: &batch) == 0)
        #expect(batch.map(Self.seq) == [1], "only the frames before the replay")
        batch.removeAll(keepingCapacity: true)
        #expect(queue.takeForDrain(into: &batch) == nil, "the replay is the task's")
        #expect(queue.push(Self.frame(11)) == .enqueued, "no drain while the task has the turn")
        guard case .item(.replay)? = queue.takeTurn() else { Issue.record("no replay turn"); return }
        #expect(queue.endTurn(replayedThrough: 9), "frames waited: the task starts a drain")
        #expect(queue.takeForDrain(into: &batch) == 9, "the drain learns what was replayed")
        #expect(batch.map(Self.seq) == [7, 10])
        batch.removeAll(keepingCapacity: true)
        #expect(queue.takeForDrain(into: &batch) == nil, "the close is the task's")
        guard case .item(.close(let code, _))? = queue.takeTurn() else { Issue.record("no close turn"); return }
        #expect(code == 1000)
    }

    @Test("the turn handler is told when a replay reaches the head and when the finished queue is empty, and only then")
    func turnHandler() {
        let queue = OutboundQueue(limit: 8)
        let calls = LiveCount()
        queue.onTurn { calls.add() }
        #expect(queue.takeTurn() == nil, "nothing for the session yet")
        #expect(queue.push(Self.frame(1)) == .drainNeeded)
        #expect(queue.push(.replay(after: 1, user: 1, head: 3)) == .enqueued)
        var batch = CircularBuffer<Outbound>()
        #expect(queue.takeForDrain(into: &batch) == 0)
        batch.removeAll(keepingCapacity: true)
        #expect(calls.value == 0)
        #expect(queue.takeForDrain(into: &batch) == nil, "the replay is the session's")
        #expect(calls.value == 1, "told once the drain stopped at the replay")
        guard case .item(.replay)? = queue.takeTurn() else { Issue.record("no replay turn"); return }
        #expect(queue.push(Self.frame(5)) == .enqueued, "no drain while the session has the turn")
        #expect(queue.endTurn(replayedThrough: 3), "frames waited: a drain starts")
        #expect(queue.takeTurn() == nil, "nothing more for the session")
        #expect(queue.takeForDrain(into: &batch) == 3)
        #expect(batch.map(Self.seq) == [5])
        batch.removeAll(keepingCapacity: true)
        #expect(queue.takeForDrain(into: &batch) == nil)
        #expect(calls.value == 1, "an empty queue that is not finished needs nobody")
        queue.finish()
        #expect(calls.value == 2, "finished and empty: the session is told to close")
        #expect(queue.takeTurn().map(Self.isEnd) == true)
        queue.onTurn(nil)
    }

    @Test("a paused drain asks for nothing until the socket is writable again; an overflow drops what is queued")
    func pauseAndAbort() {
        let queue = OutboundQueue(limit: 2)
        var batch = CircularBuffer<Outbound>()
        #expect(queue.push(Self.frame(1)) == .drainNeeded)
        #expect(queue.takeForDrain(into: &batch) == 0)
        batch.removeAll(keepingCapacity: true)
        queue.pause()
        #expect(queue.push(Self.frame(2)) == .enqueued, "paused: no drain")
        #expect(queue.push(Self.frame(3)) == .enqueued)
        #expect(queue.push(Self.frame(4)) == .dropped, "the bound holds while paused")
        #expect(queue.resume(), "writable again with frames waiting: drain now")
        #expect(queue.takeForDrain(into: &batch) == 0)
        #expect(batch.map(Self.seq) == [2, 3])
        batch.removeAll(keepingCapacity: true)
        #expect(queue.takeForDrain(into: &batch) == nil)
        #expect(!queue.resume(), "nothing waiting")
        queue.pause()
        #expect(queue.push(Self.frame(5)) == .enqueued)
        queue.abort()
        #expect(queue.push(Self.frame(6)) == .terminated)
        #expect(queue.takeTurn().map(Self.isEnd) == true, "overflowed: the session ends (and closes with 4008)")
        #expect(!queue.resume(), "what was queued was dropped")
    }

    @Test("a close alone in the queue is offered to the session, whose turn handler is told")
    func closeAlone() {
        let queue = OutboundQueue(limit: 8)
        let calls = LiveCount()
        queue.onTurn { calls.add() }
        // As the session: after a close it writes nothing more.
        #expect(queue.push(.close(code: 1000, reason: "bye")) == .drainNeeded)
        var batch = CircularBuffer<Outbound>()
        #expect(queue.takeForDrain(into: &batch) == nil, "the close is offered to the session")
        #expect(calls.value == 1)
        guard case .item(let item)? = queue.takeTurn() else { Issue.record("no close turn"); return }
        #expect(Self.isClose(item))
        queue.onTurn(nil)
    }

    @Test("a server frame is encoded whole: header with the length in 7, 16 or 64 bits, then the payload")
    func wireFrame() {
        for count in [0, 125, 126, 65_535, 65_536] {
            let text = String(repeating: "a", count: count)
            var bytes = WireFrame(text: text).bytes
            #expect(bytes.readInteger(as: UInt8.self) == 0x81)
            let first = bytes.readInteger(as: UInt8.self) ?? 0
            #expect(first & 0x80 == 0, "unmasked")
            let length: Int = switch first {
            case 126: Int(bytes.readInteger(as: UInt16.self) ?? 0)
            case 127: Int(bytes.readInteger(as: UInt64.self) ?? 0)
            default: Int(first)
            }
            #expect(length == count)
            #expect(bytes.readString(length: bytes.readableBytes) == text)
        }
    }

    static func frame(_ seq: Int64) -> Outbound { .frame(WireFrame(text: "\(seq)"), seq: seq) }

    static func isEnd(_ turn: OutboundQueue.Turn) -> Bool {
        if case .end = turn { return true }
        return false
    }

    static func isClose(_ item: Outbound) -> Bool {
        if case .close = item { return true }
        return false
    }

    static func seq(_ item: Outbound) -> Int64 {
        if case .frame(_, let seq) = item { return seq ?? -1 }
        return -1
    }
}
