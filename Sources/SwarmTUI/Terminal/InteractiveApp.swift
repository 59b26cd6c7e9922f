import Foundation
import SwarmProtocol

/// Full-screen mode: keys go to the line editor, lines to commands or the current channel,
/// model changes and resizes redraw the screen.
public struct InteractiveApp: Sendable {
    enum Input: Sendable {
        case bytes([UInt8])
        case redraw
        case inputClosed
    }

    let controller: ChatController
    let colors: Bool
    let bell: Bool
    let notify: Bool
    let environment: [String: String]

    public init(url: String, token: String, outbox: OutboxFile? = nil, colors: Bool, bell: Bool, notify: Bool = true,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.controller = ChatController(url: url, token: token, outbox: outbox)
        self.colors = colors
        self.bell = bell
        self.notify = notify
        self.environment = environment
    }

    public func run() async {
        let terminal = Terminal()
        terminal.enableRaw()
        terminal.write(ANSI.enterAlternateScreen)
        defer {
            terminal.write(ANSI.leaveAlternateScreen)
            terminal.restore()
        }
        await controller.start()

        let (events, sink) = AsyncStream<Input>.makeStream()
        let feeders = [
            Task { for await bytes in terminal.input() { sink.yield(.bytes(bytes)) }; sink.yield(.inputClosed) },
            Task { for await _ in terminal.resizes() { sink.yield(.redraw) } },
            // kill, a closed terminal window or Ctrl-C from outside: quit through the same path as /quit.
            Task {
                for await _ in terminal.terminations() {
                    terminal.exit(afterGrace: 3, code: 143)
                    sink.yield(.inputClosed)
                }
            },
            Task { for await _ in controller.changes { sink.yield(.redraw) } },
            // Ticks age the typing indicator and count down reconnects.
            Task { while !Task.isCancelled { try? await Task.sleep(for: .seconds(1)); sink.yield(.redraw) } },
        ]
        defer { feeders.forEach { $0.cancel() } }

        var editor = LineEditor()
        var decoder = KeyDecoder()
        var previous: Screen?
        var asking: Question?
        loop: for await event in events {
            switch event {
            case .inputClosed:
                break loop
            case .redraw:
                break
            case .bytes(let bytes):
                var keys = decoder.feed(bytes)
                // A terminal writes an escape sequence in one go, so an ESC read on its own is the Esc key.
                if bytes == [0x1B] { keys += decoder.flushEscape() }
                for key in keys {
                    // The wheel is not an answer to a y/N question.
                    if asking != nil, key == .wheelUp || key == .wheelDown { continue }
                    if let question = asking {
                        asking = nil
                        await controller.ask(nil)
                        if await !answer(question, yes: key == .char("y") || key == .char("Y"), editor: &editor) { break loop }
                        continue
                    }
                    // The /queue pane's keys (Enter, a digit, n) while nothing is typed.
                    if editor.text.isEmpty, let line = await controller.queueKey(key) {
                        if await !submit(line) { break loop }
                        continue
                    }
                    let action = editor.handle(key)
                    if case .char = key { await controller.userTyped() }
                    // Ctrl-L repaints everything (after another program scribbled on the screen).
                    if action == .redraw { previous = nil }
                    switch await perform(action, editor: &editor) {
                    case .carryOn: break
                    case .quit: break loop
                    case .ask(let question, let text):
                        asking = question
                        await controller.ask(text)
                    }
                }
                await controller.inputChanged(String(editor.text))
            }
            let model = await controller.model
            let alerts = await controller.takeAlerts()
            if bell, !alerts.isEmpty { terminal.write(ANSI.bell) }
            if notify {
                for alert in alerts { if let title = alert.desktopTitle { terminal.write(DesktopNotification.sequence(title: title, body: alert.text, environment: environment)) } }
            }
            let size = terminal.size()
            let screen = ChatRenderer().render(model, editor: editor, width: size.width, height: size.height)
            // Hyperlinks with escapes on only: NO_COLOR / --no-color asks for a plain terminal.
            terminal.write(ANSI.frame(screen, previous: previous, colors: colors, links: colors))
            previous = screen
        }
        await controller.stop()
    }

    /// A y/N question on the input line; the next key answers it, anything but y meaning no.
    enum Question: Sendable {
        case quit
        /// A long or many-line message, sent on yes and given back to the input line on no.
        case send(String)
        /// A reply the tone check held back (`/case reply`): sent on yes, given back on no.
        case heldReply
    }

    enum Outcome: Sendable {
        case carryOn, quit
        case ask(Question, String)
    }

    /// More lines than this in one message (a paste, usually) are sent only after a yes.
    static let confirmLines = 20

    func perform(_ action: LineEditor.Action, editor: inout LineEditor) async -> Outcome {
        switch action {
        case .none, .redraw: break
        case .quit: return await quitting(editor)
        case .submit(let line):
            if let question = Self.confirmation(for: line) { return .ask(.send(line), question) }
            if await !submit(line) { return await quitting(editor) }
            if let question = await controller.takeHeldReplyQuestion() { return .ask(.heldReply, question) }
        case .complete(let forward): await complete(&editor, forward: forward)
        case .switchChannel(let n): await controller.select(index: n)
        case .nextChannel: await controller.cycle(by: 1)
        case .previousChannel: await controller.cycle(by: -1)
        case .nextUnread: await controller.nextUnread()
        case .scroll(let pages):
            if await controller.model.output != nil {
                await controller.scrollOutput(by: -pages * 10)
            } else {
                await controller.scroll(by: pages * 10)
            }
        case .scrollLines(let lines):
            if await controller.model.output != nil {
                await controller.scrollOutput(by: -lines)
            } else {
                await controller.scroll(by: lines)
            }
        case .dismiss: await controller.clearOutput()
        }
        return .carryOn
    }

    /// Returns false to quit.
    func answer(_ question: Question, yes: Bool, editor: inout LineEditor) async -> Bool {
        switch question {
        case .quit:
            return !yes
        case .send(let line):
            guard yes else {
                editor.set(line)
                return true
            }
            return await submit(line)
        case .heldReply:
            if let line = await controller.answerHeldReply(yes) { editor.set(line) }
            return true
        }
    }

    /// The question to ask before sending `line`, if it is a big message.
    static func confirmation(for line: String) -> String? {
        guard case .message = CommandParser.parse(line) else { return nil }
        let lines = line.split(separator: "\n", omittingEmptySubsequences: false).count
        let parts = line.count > LongMessage.maxCharacters ? LongMessage.parts(line).count : 1
        if parts > 1 { return "\(line.count) characters: send as \(parts) messages (the server takes \(LongMessage.maxCharacters) per message)? y/N" }
        if lines > confirmLines { return "Send \(lines) lines as one message? y/N" }
        return nil
    }

    /// Quitting throws nothing away silently: unsent lines (kept on disk, sent next time) and a
    /// draft are named first.
    func quitting(_ editor: LineEditor) async -> Outcome {
        let unsent = await controller.model.outbox.count
        let draft = !editor.text.isEmpty
        guard unsent > 0 || draft else { return .quit }
        var what: [String] = []
        if unsent > 0 { what.append("\(unsent) unsent message\(unsent == 1 ? "" : "s")") }
        if draft { what.append("a draft") }
        return .ask(.quit, what.joined(separator: " and ") + "; quit anyway? y/N")
    }

    /// Runs a typed line; shared with plain mode. Returns false when the user asked to quit.
    public static func submit(_ line: String, to controller: ChatController) async -> Bool {
        let parsed = CommandParser.parse(line)
        // Each command's output starts the output pane afresh; a message leaves it open for reading.
        if case .message = parsed {} else { await controller.clearOutput() }
        switch parsed {
        case .message(let text):
            await controller.send(text)
        case .error(let why):
            await controller.notice(why, .error)
        case .command(let name, let args):
            guard let command = CommandTable.named(name) else { return true }
            do {
                try await command.run(controller, args)
            } catch is QuitRequested {
                return false
            } catch let error as SwarmError {
                await controller.notice("/\(name): \(error.message)", .error)
            } catch {
                await controller.notice("/\(name): \(error)", .error)
            }
        }
        return true
    }

    func submit(_ line: String) async -> Bool { await Self.submit(line, to: controller) }

    func complete(_ editor: inout LineEditor, forward: Bool) async {
        // An empty word completes too where the command takes a fixed word there (`/case ` + Tab).
        let (start, word) = editor.currentWord
        let previous = String(editor.text[..<start]).split(separator: " ").map(String.init)
        let found = Completion.candidates(for: word, isFirstWord: start == 0, previous: previous, model: await controller.model)
        editor.complete(with: found, forward: forward)
    }
}
