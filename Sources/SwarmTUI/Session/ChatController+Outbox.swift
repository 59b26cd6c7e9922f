import Foundation
import SwarmClient
import SwarmProtocol

/// Lines the user typed, from the input line to the server: queued first, sent in order, kept
/// until acknowledged.
extension ChatController {
    /// Sends a line typed into the current view (channel or thread).
    public func send(_ body: String) async {
        guard let channel = model.current else {
            model.notice("join a channel first: /join #name", .error)
            changed()
            return
        }
        var thread: String?
        if case .thread(let root) = model.view { thread = root }
        await post(body, channel: channel, thread: thread)
    }

    /// Queues a line (in parts when it is longer than the server takes) and sends what is queued.
    /// The queue is on disk before the first attempt, so a crash or a quit loses nothing.
    public func post(_ body: String, channel: String, thread: String?) async {
        for part in LongMessage.parts(body) {
            model.outbox.append(.init(key: "tui-\(UUID().uuidString)", channel: channel, body: part, thread: thread))
        }
        saveOutbox()
        changed()
        await flushOutbox()
    }

    /// Writes the queue to disk; a failure is said once per run rather than on every line.
    func saveOutbox() {
        guard let outboxFile else { return }
        do {
            try outboxFile.save(model.outbox)
        } catch {
            guard !outboxSaveFailed else { return }
            outboxSaveFailed = true
            model.notice("cannot keep unsent lines in \(outboxFile.path): they are lost if the client stops", .error)
        }
    }

    /// Sends queued lines in order. A network failure leaves them queued for the next connection;
    /// a refusal by the server drops the line with an error notice.
    func flushOutbox() async {
        guard !flushing else { return }
        flushing = true
        defer { flushing = false }
        while let next = model.outbox.first, let c = conn {
            do {
                let m = try await c.request(Op.messagePost.rawValue,
                                            MessagePostRequest(channel: next.channel, body: next.body, thread: next.thread, idempotencyKey: next.key),
                                            as: Message.self)
                model.outbox.removeAll { $0.key == next.key }
                saveOutbox()
                _ = model.apply(ServerFrame.event(.messageNew, m))
                changed()
            } catch let error as SwarmError {
                model.outbox.removeAll { $0.key == next.key }
                saveOutbox()
                model.notice("not sent: \(error.message)", .error)
                changed()
            } catch {
                return
            }
        }
    }
}
