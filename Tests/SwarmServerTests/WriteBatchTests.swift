import Foundation
import NIOCore
@testable import SwarmServer
import SwarmProtocol
import Testing

/// The session's writer takes everything its connection has queued at once and writes it with
/// one flush (`OutboundQueue`, `FrameBatchWriter`), so a backlog costs one `writev` per batch,
/// not one per frame.
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

    @Test("the queue hands over everything queued in order, refuses beyond its bound, and ends after finish")
    func queue() async {
        let queue = OutboundQueue(limit: 3)
        for i in 1...3 { #expect(queue.push(.frame(ByteBuffer(string: "\(i)"), seq: Int64(i))) == .enqueued) }
        #expect(queue.push(.frame(ByteBuffer(string: "4"), seq: 4)) == .dropped)
        var batch = CircularBuffer<Outbound>()
        var took = await queue.take(into: &batch)
        #expect(took)
        #expect(batch.map(Self.seq) == [1, 2, 3])
        batch.removeAll(keepingCapacity: true)
        // Taken items no longer count against the bound.
        #expect(queue.push(.frame(ByteBuffer(string: "5"), seq: 5)) == .enqueued)
        queue.finish()
        #expect(queue.push(.frame(ByteBuffer(string: "6"), seq: 6)) == .terminated)
        took = await queue.take(into: &batch)
        #expect(took)
        #expect(batch.map(Self.seq) == [5])
        batch.removeAll(keepingCapacity: true)
        took = await queue.take(into: &batch)
        #expect(!took, "finished and empty")
    }

    @Test("a writer waiting on the queue gets a push, and ends when its task is cancelled")
    func wakeAndCancel() async throws {
        let queue = OutboundQueue(limit: 8)
        let (batches, sink) = AsyncStream<[Int64]>.makeStream()
        let writer = Task {
            var batch = CircularBuffer<Outbound>()
            while await queue.take(into: &batch) {
                sink.yield(batch.map(Self.seq))
                batch.removeAll(keepingCapacity: true)
            }
            sink.finish()
        }
        #expect(queue.push(.frame(ByteBuffer(string: "1"), seq: 1)) == .enqueued)
        var iterator = batches.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == [1])
        writer.cancel()
        await writer.value
        let end = await iterator.next()
        #expect(end == nil, "the writer's loop ended")
        #expect(queue.push(.frame(ByteBuffer(string: "2"), seq: 2)) == .terminated)
    }

    static func seq(_ item: Outbound) -> Int64 {
        if case .frame(_, let seq) = item { return seq ?? -1 }
        return -1
    }
}
