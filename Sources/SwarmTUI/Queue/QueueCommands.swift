import Foundation
import SwarmProtocol

/// What the `/queue` pane shows: the last reply, and which opening of the pane it belongs to (a
/// refresh loop of an earlier `/queue` stops once another one started).
public struct QueuePaneState: Sendable, Equatable {
    public var reply: QueueListReply
    public var generation: Int
}

/// `/queue`: a live pane of the triage queue (score, why, waiting, SLA countdown in colour).
/// It re-fetches on the events of PROTOCOL §22.4 and every `refresh_seconds`; with the input line empty, Enter
/// or a digit opens a case and `n` takes the next one.
public enum QueueCommands {
    public static let commands: [SlashCommand] = [
        SlashCommand("queue", [.optionalText], usage: "/queue [next|N]", summary: "Triage queue, best first (live); next takes the best case",
                     details: ["/queue shows open cases you may see with their score and why, refreshed live; Esc closes it.",
                               "/queue next (or n in the pane) takes the best case you may take; /queue N (or N, Enter for 1) opens case N's thread."]) { c, args in
            let arg = (args.first ?? "").trimmingCharacters(in: .whitespaces)
            switch arg {
            case "":
                try await c.showQueue()
            case "next":
                let reply = try await c.request(.queueNext, QueueNextRequest(), as: QueueNextReply.self)
                if let item = reply.item {
                    await c.remember(item.caseInfo)
                    try await c.showQueue(heading: "took \(item.caseInfo.id) \(item.caseInfo.title) — \(item.why)")
                } else {
                    try await c.showQueue(heading: "queue: nothing you may take")
                }
            default:
                guard let n = Int(arg), n >= 1 else { throw SwarmError(.badRequest, "usage: /queue [next|N]") }
                guard let item = await c.queueItem(n) else { throw SwarmError(.notFound, "no case \(n) in the queue; /queue shows it") }
                await c.remember(item.caseInfo)
                try await c.openThread(item.caseInfo.thread)
            }
        },
    ]
}

extension ChatController {
    /// The case at rank `n` of the queue last shown.
    func queueItem(_ n: Int) -> QueueItem? {
        guard let items = model.queue?.reply.items, n <= items.count else { return nil }
        return items[n - 1]
    }

    /// Fetches the queue and shows it in the output pane; starts the refresh loop.
    func showQueue(heading: String? = nil) async throws {
        let reply = try await request(.queueList, QueueListRequest(limit: 50), as: QueueListReply.self)
        let generation = (model.queue?.generation ?? 0) + 1
        model.queue = QueuePaneState(reply: reply, generation: generation)
        drawQueue(reply, heading: heading)
        let seconds = max(5, reply.refreshSeconds)
        Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(seconds))
                guard let self, await self.refreshQueue(generation: generation) else { return }
            }
        }
    }

    /// Whether the output pane still shows the queue (another command or Esc replaced it).
    var queueShowing: Bool {
        model.queue != nil && model.output?.lines.contains { $0.text.hasPrefix(QueuePages.heading) } == true
    }

    /// Re-fetches while the pane shows the queue of this generation; false once it does not.
    func refreshQueue(generation: Int? = nil) async -> Bool {
        guard queueShowing, generation == nil || model.queue?.generation == generation else {
            if !queueShowing { model.queue = nil }
            return false
        }
        guard let reply = try? await request(.queueList, QueueListRequest(limit: 50), as: QueueListReply.self), queueShowing else { return true }
        let heading = model.output?.lines.first.flatMap { $0.text.hasPrefix(QueuePages.heading) ? nil : $0.text }
        model.queue?.reply = reply
        drawQueue(reply, heading: heading)
        return true
    }

    /// An event that may move a case (`QueueWatch`): the pane, if open, is re-fetched.
    func queueChanged() async {
        if queueShowing { _ = await refreshQueue() }
    }

    private func drawQueue(_ reply: QueueListReply, heading: String?) {
        let model = self.model
        var pane = OutputPane()
        if let heading { pane.append(ChatModel.Notice(kind: .info, text: heading)) }
        let now = Date()
        for line in QueuePages.page(reply, now: now, channelName: { id in model.channels[id].map { model.displayName($0.channel) } ?? id }) {
            let kind: ChatModel.Notice.Kind = line.pressure == .overdue ? .error : line.pressure == .soon ? .mention : .info
            pane.append(ChatModel.Notice(kind: kind, text: line.text))
        }
        self.model.output = pane
        changed()
    }

    /// A key typed on an empty input line while the queue pane is open: the command it stands for.
    public func queueKey(_ key: Key) -> String? {
        guard queueShowing else { return nil }
        switch key {
        case .enter: return "/queue 1"
        case .char("n"): return "/queue next"
        case .char(let ch) where ch.isASCII && ch.isNumber && ch != "0": return "/queue \(ch)"
        default: return nil
        }
    }
}

/// The refresh rule of PROTOCOL §22.4: a watcher re-fetches the queue on the events that can move
/// a case in it (already sent only to those who may see the case), and every `refresh_seconds`.
public enum QueueWatch {
    public static func refreshes(on frame: ServerFrame) -> Bool {
        switch frame.ev {
        case EventName.caseUpdated.rawValue, EventName.caseHandoff.rawValue: return true
        case EventName.messageNew.rawValue: return frame.data?["card"]?["type"]?.string == "interaction"
        default: return false
        }
    }
}
