import ArgumentParser
import BenchSupport
import Foundation
import SwarmClient
import SwarmProtocol
import SwarmTUI

/// The measurements, in the order a session meets them: start-up, opening channels, typing,
/// messages arriving, then the same after scrolling back through the whole history.
struct Scenarios {
    let url: String
    let token: String
    let busy: String
    let quiet: String
    /// Id of the newest message in #busy: the first frame must show it.
    let newest: String
    let width: Int
    let height: Int
    let runs: Int
    let keys: Int
    let incoming: Int
    let longLine: Int

    func all(peer: SwarmConnection) async throws -> [Row] {
        var rows: [Row] = [] {
            // A run takes minutes when a target is missed badly: say how far it got.
            didSet { if rows.count > oldValue.count, let r = rows.last { FileHandle.standardError.write(Data("done: \(r.label), p50 \(r.stats.p50) ms\n".utf8)) } }
        }
        rows.append(try await startUp())
        let controller = ChatController(url: url, token: token)
        await controller.start()
        let busy = self.busy
        guard await controller.waitUntil(seconds: 60, { $0.channels[busy]?.messages.isEmpty == false }) else { throw ValidationError("the client did not load #busy") }
        let pipe = FramePipe(controller: controller, width: width, height: height)
        _ = await pipe.redraw()
        rows += try await opening(controller, pipe)
        let loaded = await controller.model.channels[busy]?.messages.count ?? 0
        rows += try await typing(controller, pipe, loaded: "\(loaded) loaded", outputPane: true)
        rows.append(try await arriving(controller, pipe, peer: peer, loaded: "\(loaded) loaded"))

        rows.append(try await scrollingBack(controller, pipe))
        let all = await controller.model.channels[busy]?.messages.count ?? 0
        rows += try await typing(controller, pipe, loaded: "all \(all) loaded", outputPane: false)
        rows.append(try await arriving(controller, pipe, peer: peer, loaded: "all \(all) loaded"))
        let left = await controller.model.channels[busy]?.messages.count ?? 0
        rows[rows.count - 1].note = "model trims to \(left) as messages arrive"
        await controller.stop()
        return rows
    }

    /// A new client: connect, hello, users, channel list, unread counts and the first history
    /// page of #busy, until the first full frame that shows its newest message.
    func startUp() async throws -> Row {
        var last: ChatController?
        var bytes = 0
        let busy = self.busy
        let stats = try await timed(runs, warm: 2, setup: { _ in
            await last?.stop()
            last = nil
        }) { _ in
            let controller = ChatController(url: url, token: token)
            last = controller
            await controller.start()
            guard await controller.waitUntil(seconds: 30, { $0.current == busy && $0.channels[busy]?.messages.isEmpty == false }) else {
                throw ValidationError("start-up did not load #busy")
            }
            let frame = await FramePipe(controller: controller, width: width, height: height).redraw()
            guard frame.contains(newest) else { throw ValidationError("the first frame does not show the newest message") }
            bytes = frame.utf8.count
        }
        await last?.stop()
        return Row(label: "start-up to first frame of #busy", stats: stats, target: 100, note: "\(bytes) bytes")
    }

    /// Switching to #busy from #quiet: first as if never opened (history fetched), then loaded.
    func opening(_ controller: ChatController, _ pipe: FramePipe) async throws -> [Row] {
        let (busy, quiet) = (self.busy, self.quiet)
        var bytes = 0
        let cold = try await timed(runs, warm: 2, setup: { _ in
            await controller.select(channel: quiet)
            await controller.update {
                $0.channels[busy]?.messages = []
                $0.channels[busy]?.historyLoaded = false
                $0.channels[busy]?.olderCursor = nil
            }
            _ = await pipe.redraw()
        }) { _ in
            await controller.select(channel: busy)
            let frame = await pipe.redraw()
            guard frame.contains(newest) else { throw ValidationError("the frame after opening #busy does not show its newest message") }
            bytes = frame.utf8.count
        }
        let warm = try await timed(runs, warm: 2, setup: { _ in
            await controller.select(channel: quiet)
            _ = await pipe.redraw()
        }) { _ in
            await controller.select(channel: busy)
            _ = await pipe.redraw()
        }
        return [Row(label: "open #busy (history page fetched) to frame", stats: cold, target: 100, note: "\(bytes) bytes"),
                Row(label: "switch back to #busy (loaded) to frame", stats: warm, target: 100)]
    }

    /// One typed character until its redraw is produced, on a short line, on a long line and
    /// with the output pane full. The line is reset (untimed) every 60 keys.
    func typing(_ controller: ChatController, _ pipe: FramePipe, loaded: String, outputPane: Bool) async throws -> [Row] {
        let long = String((0..<longLine).map { "word\($0) " }.joined().prefix(longLine))
        var rows = [try await keystrokes(pipe, label: "keystroke, short line (\(loaded))", line: "")]
        rows.append(try await keystrokes(pipe, label: "keystroke, \(longLine)-char line (\(loaded))", line: long))
        if outputPane {
            await controller.notice((1...OutputPaneSize.lines).map { "output line \($0): a command printed this, e.g. /help or /case brief" }.joined(separator: "\n"))
            rows.append(try await keystrokes(pipe, label: "keystroke, output pane full (\(loaded))", line: ""))
            await controller.clearOutput()
            _ = await pipe.redraw()
        }
        return rows
    }

    func keystrokes(_ pipe: FramePipe, label: String, line: String) async throws -> Row {
        let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        var bytes = 0
        let stats = try await timed(keys, warm: 20, setup: { i in
            guard i % 60 == 0 else { return }
            pipe.editor = LineEditor(text: line)
            _ = await pipe.redraw()
        }) { i in
            bytes += await pipe.type([letters[i % letters.count]]).utf8.count
        }
        return Row(label: label, stats: stats, target: 5, note: "\(bytes / (keys + 20)) bytes per redraw")
    }

    /// Another user's post, from its send over the socket until the frame that shows it.
    func arriving(_ controller: ChatController, _ pipe: FramePipe, peer: SwarmConnection, loaded: String) async throws -> Row {
        let busy = self.busy
        var ack: Task<Message, any Error>?
        let stats = try await timed(incoming, warm: 5, setup: { _ in
            _ = try await ack?.value
        }) { i in
            let body = "incoming message \(i) from bench-peer \(UUID().uuidString.prefix(8))"
            ack = Task { try await peer.request(Op.messagePost.rawValue, MessagePostRequest(channel: busy, body: body), as: Message.self) }
            guard await controller.waitUntil(seconds: 10, { $0.channels[busy]?.messages.last?.body == body }) else {
                throw ValidationError("message \(i) did not arrive")
            }
            guard await pipe.redraw().contains(body) else { throw ValidationError("message \(i) was not drawn") }
        }
        _ = try await ack?.value
        return Row(label: "incoming message to frame (\(loaded))", stats: stats, target: nil)
    }

    /// PgUp past the oldest loaded message fetches the page before it (`loadOlder`, as
    /// `ChatController.scroll` does); each page until the channel's start, with its frame.
    func scrollingBack(_ controller: ChatController, _ pipe: FramePipe) async throws -> Row {
        var samples: [Double] = []
        while true {
            let start = ContinuousClock.now
            let n = try await controller.loadOlder()
            _ = await pipe.redraw()
            if n == 0 { break }
            samples.append(LatencyStats.milliseconds(ContinuousClock.now - start))
        }
        let total = await controller.model.channels[busy]?.messages.count ?? 0
        return Row(label: "older page (PgUp at the top) to frame", stats: LatencyStats(samples: samples), target: nil,
                   note: "\(samples.count) pages, \(total) messages loaded at the end")
    }
}

/// Lines that fill the output pane (its cap is 500).
enum OutputPaneSize {
    static let lines = 500
}
