import NIOCore
import NIOWebSocket
import Synchronization

/// Writes a connection's queued frames on its channel's event loop, with no task in between.
///
/// Why: with a writer task per connection every delivery cost a task wake-up, a second hop to the
/// event loop with a promise, and a frame walking the pipeline through the frame encoder (a header
/// buffer and two writes). Here the push that finds the queue idle schedules one drain on the loop
/// (`LoopDrains` runs every drain asked for on that loop in one event-loop task), and the drain
/// writes each frame's ready-made bytes (`WireFrame`) from a handler below the frame encoder: one
/// write per frame, one flush per round.
///
/// Guarantees kept: order (one queue, one writer at a time: replays and closes are handed to the
/// session at their place in the queue, see `OutboundQueue`); nothing after a close
/// frame (`CloseFrameWatch`, checked before every round); a client that stops reading stops the
/// drain (the channel turns unwritable past its high water mark, the queue fills, 4008).
final class OutboundDrain: Sendable {
    let queue: OutboundQueue
    let watch: CloseFrameWatch
    private let channel: any Channel
    private let drains: LoopDrains
    private let writes: OutboundWrites
    private let handler: NIOLoopBoundBox<OutboundDrainHandler?>
    /// With `server.delivery_tick_ms` above 0: this loop's drains of held events, and the tick
    /// they wait for (`LoopDrains`); nil writes events at once.
    private let held: (drains: LoopDrains, tick: TimeAmount)?

    /// Counts this drain while it is alive (its handler and it hold each other until the channel closes).
    private let live: LiveCount?

    init(channel: any Channel, queue: OutboundQueue, watch: CloseFrameWatch, writes: OutboundWrites, held: HeldDrains? = nil, live: LiveCount? = nil) {
        self.live = live
        self.held = held.map { ($0.of(channel.eventLoop), $0.tick) }
        live?.add()
        self.channel = channel
        self.queue = queue
        self.watch = watch
        self.writes = writes
        drains = LoopDrains.of(channel.eventLoop)
        handler = .makeEmptyBox(valueType: OutboundDrainHandler.self, eventLoop: channel.eventLoop)
    }

    deinit { live?.remove() }

    /// Puts the close watch behind the frame encoder and the drain's handler in front of it;
    /// on the loop, before the first write.
    func startOnLoop() throws {
        let pipeline = channel.pipeline.syncOperations
        let encoder = try pipeline.handler(type: WebSocketFrameEncoder.self)
        try pipeline.addHandler(watch, position: .after(encoder))
        let handler = OutboundDrainHandler(drain: self)
        // Before it joins: its `handlerAdded` drains what was queued, through this box.
        self.handler.value = handler
        try pipeline.addHandler(handler, position: .before(encoder))
    }

    /// On the loop, when the handler leaves the pipeline (the channel closed).
    fileprivate func detach() {
        handler.value = nil
    }

    /// Asks for a drain on the loop; only for the caller that was told `drainNeeded` (or true).
    /// `held`: an event, which may wait for the loop's next delivery tick. `rounds` (a commit's
    /// fan-out): what would go at once goes in the commit's round when it starts (`DeferredRounds`).
    func schedule(held isHeld: Bool = false, deferring rounds: DeferredRounds? = nil) {
        guard let held, isHeld else {
            // The loop's shared round of drains that go at once, apart from its held ones (those
            // are `held.drains`, a round of their own), so this runs no other connection's held events.
            return runAtOnce(deferring: rounds)
        }
        held.drains.schedule(self, tick: held.tick)
    }

    /// A reply, or an event that is not held, was queued behind events that may wait for a tick
    /// (`OutboundQueue.PushResult.expediteNeeded`, once per such drain): writes them all now rather
    /// than hold it. The run does nothing unless a drain is still claimed for them. Through the
    /// loop's shared round (or the commit's, with `rounds`), so that many connections expedited at
    /// once (a small channel's event while a large one's wait) cost one loop task, not one each.
    func expedite(deferring rounds: DeferredRounds? = nil) {
        guard held != nil else { return }
        runAtOnce(deferring: rounds)
    }

    /// In the loop's shared round, or in the commit's (`rounds`) when it starts.
    private func runAtOnce(deferring rounds: DeferredRounds?) {
        if let rounds { rounds.add(self, on: channel.eventLoop) } else { drains.schedule(self) }
    }

    /// On the loop. Writes what is queued, a round (one flush) at a time, until the queue is
    /// empty, a replay or close is at its head, or the socket stops being writable.
    func run() {
        guard let handler = handler.value else {
            // Not in the pipeline (yet, or any more): nothing can be written.
            var batch = CircularBuffer<Outbound>()
            while queue.takeForDrain(into: &batch) != nil { batch.removeAll() }
            return
        }
        // The handler's buffer: the queue swaps it for its own, so neither is allocated again. No
        // run starts inside this one (a writability change during the flush finds the queue
        // draining), so nothing else touches it meanwhile.
        var lastSeq: Int64 = 0
        while let floor = queue.takeForDrain(into: &handler.batch) {
            lastSeq = max(lastSeq, floor)
            // Closed, or a close frame went out: what is left is dropped (read by nobody).
            guard let context = handler.context, channel.isActive, !watch.closeSent else {
                handler.batch.removeAll(keepingCapacity: true)
                continue
            }
            var count = 0
            for item in handler.batch {
                guard case .frame(let wire, let seq) = item else { continue }
                if let seq {
                    if seq <= lastSeq { continue }
                    lastSeq = seq
                }
                context.write(NIOAny(wire.bytes), promise: nil)
                count += 1
            }
            handler.batch.removeAll(keepingCapacity: true)
            guard count > 0 else { continue }
            context.flush()
            ServerMetrics.framesOut.increment(by: Int64(count))
            ServerMetrics.frameWrites.increment()
            writes.wrote(frames: count)
            if !channel.isWritable {
                writes.paused()
                queue.pause()
                return
            }
        }
    }

    /// On the loop: writable again or closed.
    fileprivate func resumed() {
        if queue.resume() { run() }
    }
}

/// The drain's place in the pipeline: in front of the frame encoder, so the frames it writes go
/// to the socket as they are; it also hears when the socket turns writable again or closes.
final class OutboundDrainHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let drain: OutboundDrain
    private(set) var context: ChannelHandlerContext?
    /// The drain's batch buffer (event loop only).
    var batch = CircularBuffer<Outbound>()

    init(drain: OutboundDrain) {
        self.drain = drain
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Anything queued before the handler was there (a drain ran without a context).
        drain.resumed()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        // The drain holds this handler and this handler the drain: break the cycle.
        drain.detach()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        context.fireChannelWritabilityChanged()
        if context.channel.isWritable { drain.resumed() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        context.fireChannelInactive()
        // Nothing can be written any more: let the drain drop what waits and hand a queued close
        // to the session, so it can end.
        drain.resumed()
    }
}
