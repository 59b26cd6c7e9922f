import Foundation
import SwarmProtocol

/// Line mode for pipes, screen readers and `--plain`: prints each new message and notice as a
/// line, reads commands and messages line by line from standard input.
public struct PlainMode: Sendable {
    let controller: ChatController

    public init(url: String, token: String, outbox: OutboxFile? = nil) {
        controller = ChatController(url: url, token: token, outbox: outbox)
    }

    public func run() async {
        await controller.start()
        let printer = Task { await printLoop() }
        // Piped input would otherwise race the connection: wait for the first load (or failure).
        _ = await controller.waitUntil(seconds: 30) { model in
            if case .stopped = model.connection { return true }
            return model.loaded
        }
        while let line = await readLine() {
            if line.isEmpty { continue }
            if await !InteractiveApp.submit(line, to: controller) { break }
            // A reply held by the tone check: the next line answers "send anyway? y/N".
            if let question = await controller.takeHeldReplyQuestion() {
                await controller.notice(question)
                let answer = await readLine() ?? ""
                await controller.answerHeldReply(answer.trimmingCharacters(in: .whitespaces).lowercased() == "y")
            }
        }
        // Give queued lines a chance to go out before leaving (stdin ended).
        await waitForOutbox()
        printer.cancel()
        await controller.stop()
    }

    func readLine() async -> String? {
        await withCheckedContinuation { cont in
            Thread { cont.resume(returning: Swift.readLine()) }.start()
        }
    }

    /// `changes` has one consumer (the printer), so this waits through the controller instead.
    func waitForOutbox() async {
        _ = await controller.waitUntil(seconds: 10) { $0.outbox.isEmpty || $0.connection != .live }
    }

    func printLoop() async {
        var printed = Set<String>()
        var noticeCount = 0
        var lastConnection: ChatModel.Connection?
        let renderer = ChatRenderer()
        for await _ in controller.changes {
            let model = await controller.model
            var out = ""
            if model.connection != lastConnection {
                lastConnection = model.connection
                out += "-- " + renderer.statusLine(model).map(\.text).joined().trimmingCharacters(in: .whitespaces) + "\n"
            }
            for state in model.channelOrder {
                for m in state.messages where !printed.contains(m.id) {
                    printed.insert(m.id)
                    let thread = m.thread.map { " ↳\($0)" } ?? ""
                    out += "[\(model.displayName(state.channel))\(thread)] \(renderer.time(m.createdAt)) \(m.authorName): \(m.deleted ? "(deleted)" : m.body) (\(m.id))\n"
                }
            }
            if model.notices.count < noticeCount { noticeCount = 0 }
            for n in model.notices.dropFirst(noticeCount) { out += (n.kind == .error ? "!! " : "-- ") + (n.highlighted ? Highlight.strip(n.text) : n.text) + "\n" }
            noticeCount = model.notices.count
            for alert in await controller.takeAlerts() { out += "** " + alert.text + "\n" }
            if !out.isEmpty { FileHandle.standardOutput.write(Data(out.utf8)) }
        }
    }
}
