import Foundation
import SwarmClient
import SwarmProtocol

/// Side effects of typing: search-as-you-type, typing indicators, read marks, presence, and the
/// notices and alerts commands leave for the user.
extension ChatController {
    /// fetched (after a short pause in typing, so each key does not cost a request) and shown.
    public func inputChanged(_ line: String) {
        let prefix = "/kb search "
        guard line.hasPrefix(prefix) else {
            liveSearch?.cancel()
            if model.kbLive != nil { model.kbLive = nil; changed() }
            return
        }
        let query = String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        guard query.count >= 2, query != model.kbLive?.query, let c = conn else { return }
        liveSearch?.cancel()
        liveSearch = Task {
            try? await Task.sleep(for: .milliseconds(120))
            guard !Task.isCancelled, let reply = try? await c.request(Op.kbSearch.rawValue, KBSearchRequest(query: query, limit: 5), as: KBSearchReply.self),
                  !Task.isCancelled else { return }
            self.showLive(query, reply.results)
        }
    }

    public func clearLive() {
        liveSearch?.cancel()
        model.kbLive = nil
        changed()
    }

    func showLive(_ query: String, _ hits: [KBHit]) {
        model.kbLive = (query, hits)
        changed()
    }

    /// Keeps a case a command returned, so the status line can show it in its thread.
    public func remember(_ c: Case) {
        model.casesByThread[c.thread] = c
        changed()
    }

    public func notice(_ text: String, _ kind: ChatModel.Notice.Kind = .info, highlighted: Bool = false) {
        model.notice(text, kind, highlighted: highlighted)
        changed()
    }

    /// Shows a y/N question on the input line, or takes it away (nil).
    public func ask(_ question: String?) {
        model.question = question
        changed()
    }

    /// Closes the output pane (Esc, /clear); a command clears it first so its output starts the pane.
    public func clearOutput() {
        guard model.output != nil else { return }
        model.output = nil
        changed()
    }

    /// Scrolls the open output pane by `lines` (negative: towards its start).
    public func scrollOutput(by lines: Int) {
        guard let pane = model.output else { return }
        model.output!.top = max(0, min(pane.top + lines, pane.lines.count - 1))
        changed()
    }

    /// Takes the alerts gathered since the last call (for the bell and notifications).
    public func takeAlerts() -> [ChatModel.Notice] {
        defer { model.alerts = [] }
        return model.alerts
    }

    /// Tells the channel's members we are typing, at most every 3 seconds.
    public func userTyped() {
        guard let c = conn, let current = model.current, Date().timeIntervalSince(lastTypingSent) > 3 else { return }
        lastTypingSent = Date()
        var thread: String?
        if case .thread(let root) = model.view { thread = root }
        Task { _ = try? await c.send(Op.typing.rawValue, TypingRequest(channel: current, thread: thread)) }
    }

    func markRead() {
        guard let c = conn, let current = model.current else { return }
        Task { _ = try? await c.send(Op.readMark.rawValue, ReadMarkRequest(channel: current)) }
    }
}
