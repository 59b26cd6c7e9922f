extension ChatRenderer {
    /// The output pane's rows: a rule naming the keys that close and scroll it, then a window of its
    /// lines. It takes at most two thirds of the message pane, so the newest messages of whatever
    /// channel is open stay in sight above it.
    func outputRows(_ model: ChatModel, width: Int, paneRows: Int) -> [[Screen.Span]] {
        guard let pane = model.output, !pane.lines.isEmpty, paneRows >= 4, width > 8 else { return [] }
        var wrapped: [[Screen.Span]] = []
        for n in pane.lines {
            let style: Screen.Style = n.kind == .error ? .fg(.red) : (n.kind == .mention ? .fg(.magenta) : .fg(.yellow))
            // The pane is rewrapped on every redraw (its length is in the rule): a line that fits
            // is taken as it is, without splitting it into words (tui-bench, 500 lines). One that
            // starts with a space still goes through `wrap`, which drops leading spaces.
            // Addresses in it (a case's ticket URL, a KB link) are hyperlinks, line by line.
            if !n.highlighted, !n.text.hasPrefix(" "), TextWidth.of(n.text) <= width {
                wrapped.append(Links.spans(n.text, start: 0, links: Links.find(n.text, tickets: [:]), style: style))
                continue
            }
            guard n.highlighted else {
                for line in TextWidth.wrap(n.text, cells: width) {
                    wrapped.append(Links.spans(line, start: 0, links: Links.find(line, tickets: [:]), style: style))
                }
                continue
            }
            // Wrapped with the markers still in (a little short, never too long), then drawn bold.
            var inside = false
            for line in TextWidth.wrap(n.text, cells: width) { wrapped.append(Highlight.spans(line, style, inside: &inside)) }
        }
        let room = min(wrapped.count, paneRows - max(2, paneRows / 3) - 1)
        let top = max(0, min(pane.top, wrapped.count - room))
        let more = wrapped.count > room ? " · lines \(top + 1)–\(top + room) of \(wrapped.count), PgUp/PgDn scroll" : ""
        let rule = "── Esc closes · /clear\(more) "
        let header: [Screen.Span] = [.init(rule + String(repeating: "─", count: max(0, width - TextWidth.of(rule))), .dimmed)]
        return [header] + wrapped[top..<(top + room)]
    }
}
