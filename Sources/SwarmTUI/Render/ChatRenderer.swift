import Foundation
import SwarmProtocol

/// Draws the model: channel list on the left, messages (or the open thread) on the right, a
/// status line and the input line. Pure: same model and size, same screen.
public struct ChatRenderer: Sendable {
    public var timeZone: TimeZone
    public var now: Date

    public init(timeZone: TimeZone = .current, now: Date = Date()) {
        self.timeZone = timeZone
        self.now = now
    }

    public func render(_ model: ChatModel, editor: LineEditor, width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height)
        let paneRows = max(0, height - 2)
        let sidebar = width >= 60 ? min(24, width / 4) : 0
        if sidebar > 0 {
            drawSidebar(model, into: &screen, width: sidebar, rows: paneRows)
            for r in 0..<paneRows { screen.put([.init("│", .dimmed)], row: r, column: sidebar, limit: 1) }
        }
        let paneColumn = sidebar > 0 ? sidebar + 1 : 0
        let paneWidth = width - paneColumn
        // The open channel's name, topic and member count on the pane's first row, when there is room.
        let headerRows = model.currentChannel != nil && paneRows >= 6 ? 1 : 0
        if headerRows > 0 { screen.put(headerLine(model), row: 0, column: paneColumn, limit: paneWidth) }
        let bodyRows = paneRows - headerRows
        // Command output goes under the messages, never into them: the newest messages keep the rows above it.
        let output = outputRows(model, width: paneWidth, paneRows: bodyRows)
        let messageRows = bodyRows - output.count
        for (i, line) in output.enumerated() { screen.put(line, row: headerRows + messageRows + i, column: paneColumn) }
        let lines = messageLines(model, width: paneWidth, rows: messageRows + model.scroll)
        let bottom = max(0, lines.count - min(model.scroll, max(0, lines.count - messageRows)))
        let visible = lines[max(0, bottom - messageRows)..<bottom]
        for (i, line) in visible.enumerated() {
            screen.put(line, row: headerRows + messageRows - visible.count + i, column: paneColumn)
        }
        if let live = model.kbLive { drawKBLive(live, into: &screen, column: paneColumn, width: paneWidth, bottomRow: headerRows + messageRows - 1) }
        if height >= 2 { screen.put(statusLine(model), row: height - 2, fill: .inverted) }
        drawInput(model, editor: editor, into: &screen, row: height - 1)
        return screen
    }

    // MARK: parts

    /// Search-as-you-type: the best articles for what is typed so far, over the bottom of the pane.
    func drawKBLive(_ live: (query: String, hits: [KBHit]), into screen: inout Screen, column: Int, width: Int, bottomRow: Int) {
        let lines = live.hits.isEmpty ? ["no articles match “\(live.query)”"] : live.hits.prefix(5).map { hit in
            "\(hit.id) \(hit.titleHighlight)  — \(hit.snippet)".replacingOccurrences(of: "\n", with: " ")
        }
        let header = "KB: \(live.hits.count) match\(live.hits.count == 1 ? "" : "es") · Enter searches · /kb show KB1 opens one"
        let all = [header] + lines
        for (i, line) in all.enumerated() {
            let row = bottomRow - all.count + 1 + i
            guard row >= 0 else { continue }
            var inside = false
            screen.put(i == 0 ? [.init(line, .strong)] : Highlight.spans(line, .plain, inside: &inside), row: row, column: column, limit: width, fill: .plain)
        }
    }

    func drawSidebar(_ model: ChatModel, into screen: inout Screen, width: Int, rows: Int) {
        guard rows > 0 else { return }
        screen.put([.init("Channels", .strong)], row: 0, limit: width)
        for (i, state) in model.channelOrder.prefix(rows - 1).enumerated() {
            let name = model.displayName(state.channel)
            var badge = ""
            if state.mentions > 0 { badge = "@\(state.mentions)" } else if state.unread > 0 { badge = "\(state.unread)" }
            let label = (i < 9 ? "\(i + 1) " : "  ") + name
            let room = max(0, width - TextWidth.of(badge) - 1)
            let text = TextWidth.prefix(label, cells: room).padding(toLength: room, withPad: " ", startingAt: 0) + " " + badge
            let style: Screen.Style
            if state.channel.id == model.current { style = .inverted }
            else if state.mentions > 0 { style = .fg(.magenta, bold: true) }
            else if state.unread > 0 { style = .strong }
            else { style = .plain }
            screen.put([.init(text, style)], row: i + 1, limit: width, fill: style)
        }
    }

    func messageLines(_ model: ChatModel, width: Int, rows: Int = .max) -> [[Screen.Span]] {
        guard width > 8 else { return [] }
        var out: [[Screen.Span]] = []
        let messages: [Message]
        var title: String?
        if let current = model.currentChannel {
            switch model.view {
            case .channel:
                messages = current.messages
            case .thread(let root):
                messages = current.messages.filter { $0.id == root || $0.thread == root }
                title = "Thread \(root) in \(model.displayName(current.channel)) — type to reply, /back to return"
            }
        } else {
            messages = []
            title = model.channels.isEmpty ? "No channels yet: /channels lists them, /join #name joins one, /help explains the rest." : nil
        }
        if let title { out.append([.init(TextWidth.prefix(title, cells: width), .fg(.cyan, bold: true))]) }
        // Every message takes at least one row, so only the newest `rows` (+1, which keeps a
        // thread's title off screen as before) can reach the window: a keystroke must not re-wrap
        // a channel scrolled back to its start (tui-bench: 10,000 messages loaded).
        let shown = messages.suffix(rows == .max ? rows : rows + 1)
        let parents = model.view == .channel ? ReplyContext(messages, roots: Set(shown.compactMap(\.thread))) : nil
        let firstUnread = model.view == .channel ? model.currentChannel?.firstUnread : nil
        let clock = LocalTime(timeZone: timeZone)
        let tickets = model.ticketLinks
        var lastDay: Int?
        for m in shown {
            let local = clock.parts(m.createdAt)
            // A rule names the day above the first message shown and wherever the local day changes.
            if let local, local.day != lastDay {
                out.append([.init(LocalTime.rule(local.label, width: width), .dimmed)])
                lastDay = local.day
            }
            if m.id == firstUnread {
                let label = "── new since you left "
                out.append([.init(label + String(repeating: "─", count: max(0, width - TextWidth.of(label))), .fg(.red))])
            }
            let isReply = m.thread != nil && model.view == .channel
            let indent = isReply ? "  ↳ " : ""
            let head = indent + (local?.clock ?? "--:--") + " "
            let author = m.authorName + ": "
            var body = m.deleted ? "(deleted)" : m.body
            if m.editedAt != nil, !m.deleted { body += " (edited)" }
            if m.replyCount > 0, model.view == .channel { body += " [\(m.replyCount) \(m.replyCount == 1 ? "reply" : "replies")]" }
            let mentionsMe = model.me.map { m.mentions.contains($0.id) } ?? false
            let bodyStyle: Screen.Style = m.deleted ? .dimmed : (mentionsMe ? .fg(.magenta, bold: true) : .plain)
            let firstWidth = width - TextWidth.of(head) - TextWidth.of(author)
            var idTag = " " + m.id
            if isReply, let root = m.thread, let parents { idTag += " " + parents.tag(root, model: model) }
            let wrapped = TextWidth.wrap(body + idTag, cells: max(4, firstWidth))
            let links = m.deleted ? [] : Links.find(m.body, tickets: tickets)
            let starts = links.isEmpty ? [] : Links.starts(of: wrapped, in: Array(body + idTag))
            for (i, line) in wrapped.enumerated() {
                var spans: [Screen.Span] = []
                if i == 0 {
                    spans.append(.init(head, .dimmed))
                    spans.append(.init(author, .fg(NickColor.of(m.author), bold: true)))
                } else {
                    spans.append(.init(String(repeating: " ", count: TextWidth.of(head) + TextWidth.of(author))))
                }
                let start = links.isEmpty ? nil : starts[i]
                if i == wrapped.count - 1, line.hasSuffix(idTag) {
                    spans += Links.spans(String(line.dropLast(idTag.count)), start: start, links: links, style: bodyStyle)
                    spans.append(.init(idTag, .dimmed))
                } else {
                    spans += Links.spans(line, start: start, links: links, style: bodyStyle)
                }
                out.append(spans)
            }
        }
        for p in model.outbox where p.channel == model.current {
            out.append([.init("   …  ", .dimmed), .init((model.me?.name ?? "you") + ": ", .dimmed), .init(TextWidth.prefix(p.body, cells: width - 12) + " (sending)", .dimmed)])
        }
        return out
    }

    func statusLine(_ model: ChatModel) -> [Screen.Span] {
        var parts: [String] = []
        switch model.connection {
        case .connecting: parts.append("connecting…")
        case .live: parts.append("live")
        case .reconnecting(let attempt, let seconds): parts.append("reconnecting… (try \(attempt + 1), in \(seconds)s)")
        case .stopped(let why): parts.append("offline: \(why)")
        }
        if let node = model.node { parts[parts.count - 1] += " @ " + node }
        if let me = model.me {
            switch model.myStatus {
            case .away: parts.append(me.name + " (away: /away again to return)")
            case .dnd: parts.append(me.name + " (do not disturb)")
            case .online, .offline: parts.append(me.name)
            }
        }
        if let current = model.currentChannel { parts.append(model.displayName(current.channel)) }
        // The SLA countdown turns yellow when near and red when overdue: then it is a span of its own.
        let sla = model.currentCase.map { SLAPages.countdown($0.sla, now: now) }
        var casePart: Int?
        if let c = model.currentCase, let sla {
            casePart = parts.count
            parts.append("\(c.id) \(c.status.rawValue) \(c.priority.rawValue) · SLA" + (sla.urgency == .calm ? " \(sla.text)" : ""))
        }
        let elsewhere = model.channels.values.filter { $0.channel.id != model.current }
        let unread = elsewhere.reduce(0) { $0 + $1.unread }
        let mentions = elsewhere.reduce(0) { $0 + $1.mentions }
        if mentions > 0 { parts.append("@\(mentions) mention\(mentions == 1 ? "" : "s")") }
        if unread > 0 { parts.append("\(unread) unread") }
        if !model.outbox.isEmpty { parts.append("\(model.outbox.count) unsent") }
        let typers = model.typing.filter { now.timeIntervalSince($0.value) < 6 && $0.key != model.me?.id }.keys.compactMap { model.users[$0]?.name }.sorted()
        if !typers.isEmpty { parts.append(typers.joined(separator: ", ") + " typing…") }
        if model.scroll > 0 { parts.append("scrolled (PgDn)") }
        var spans: [Screen.Span]
        if let sla, sla.urgency != .calm, let i = casePart {
            let tail = parts[(i + 1)...]
            spans = [.init(" " + parts[...i].joined(separator: " │ ") + " ", .inverted),
                     .init(sla.text, Screen.Style(color: sla.urgency == .overdue ? .red : .yellow, bold: true, reverse: true)),
                     .init(tail.isEmpty ? " " : " │ " + tail.joined(separator: " │ ") + " ", .inverted)]
        } else {
            spans = [.init(" " + parts.joined(separator: " │ ") + " ", .inverted)]
        }
        if let alert = model.lastAlert, now.timeIntervalSince(alert.at) < 10 {
            spans.append(.init(" ★ " + alert.notice.text + " ", Screen.Style(color: .magenta, bold: true, reverse: true)))
        }
        return spans
    }

    func drawInput(_ model: ChatModel, editor: LineEditor, into screen: inout Screen, row: Int) {
        if let question = model.question {
            screen.put([.init(question + " ", .fg(.yellow, bold: true))], row: row)
            screen.cursor = (row, min(screen.width - 1, TextWidth.of(question) + 1))
            return
        }
        var prompt = model.currentChannel.map { model.displayName($0.channel) } ?? "swarm"
        if case .thread(let root) = model.view { prompt += " ↳" + root }
        prompt += "> "
        let promptWidth = TextWidth.of(prompt)
        let room = max(1, screen.width - promptWidth - 1)
        // Scroll the line horizontally so the cursor stays visible. Only the characters that fit
        // around the cursor are measured: a 17,000-character paste costs a redraw no more than a word.
        let text = editor.text
        var start = editor.cursor
        var beforeCursor = 0
        while start > 0 {
            let w = TextWidth.of(TextWidth.visible(text[start - 1]))
            if beforeCursor + w > room { break }
            beforeCursor += w
            start -= 1
        }
        var shown = ""
        var cells = 0
        var i = start
        while i < text.count {
            let c = TextWidth.visible(text[i])
            let w = TextWidth.of(c)
            if cells + w > room { break }
            shown.append(c)
            cells += w
            i += 1
        }
        screen.put([.init(prompt, .fg(.green, bold: true)), .init(shown)], row: row)
        screen.cursor = (row, min(screen.width - 1, promptWidth + beforeCursor))
    }

    /// "#support — topic · 4 members": what is open, above its messages.
    func headerLine(_ model: ChatModel) -> [Screen.Span] {
        guard let state = model.currentChannel else { return [] }
        var spans: [Screen.Span] = [.init(model.displayName(state.channel), .fg(.cyan, bold: true))]
        if state.channel.kind == .dm {
            spans.append(.init(" · direct message", .dimmed))
        } else {
            if state.channel.kind == .private { spans.append(.init(" (private)", .dimmed)) }
            if let topic = state.channel.topic?.replacingOccurrences(of: "\n", with: " "), !topic.isEmpty { spans.append(.init(" — " + topic)) }
        }
        if let n = state.memberCount { spans.append(.init(" · \(n) member\(n == 1 ? "" : "s")", .dimmed)) }
        return spans
    }

    /// "09:05" in the renderer's time zone (line mode prints it before each message).
    func time(_ rfc3339: String) -> String {
        LocalTime(timeZone: timeZone).parts(rfc3339)?.clock ?? "--:--"
    }
}
