import Foundation

/// The input line: text, cursor, kill/yank-free emacs-style editing and a history of sent lines.
/// A pure value: every key returns what the app should do; tests drive it without a terminal.
public struct LineEditor: Equatable, Sendable {
    public private(set) var text: [Character] = []
    public private(set) var cursor = 0
    public private(set) var history: [String] = []
    private var historyIndex: Int?
    private var draft: [Character] = []
    public var maxHistory = 500
    /// The Tab cycle under way; any key but Tab and Shift-Tab ends it.
    public private(set) var completion: TabCycle?

    public enum Action: Equatable, Sendable {
        case none
        case submit(String)
        /// Tab (forward) or Shift-Tab with no cycle under way: the app finds the candidates and
        /// calls `complete(with:forward:)`.
        case complete(forward: Bool)
        case quit
        case redraw
        case switchChannel(Int)
        case nextChannel, previousChannel
        case nextUnread
        case scroll(Int)
        /// The mouse wheel: a few lines (positive: back in time), where PgUp/PgDn move ten.
        case scrollLines(Int)
        /// Esc: close the output pane.
        case dismiss
    }

    /// Lines one wheel notch scrolls.
    public static let wheelLines = 3

    public init(text: String = "") {
        self.text = Array(text)
        self.cursor = self.text.count
    }

    public var string: String { String(text) }

    public mutating func handle(_ key: Key) -> Action {
        if key != .tab, key != .shiftTab { completion = nil }
        switch key {
        case .char(let c):
            insert([c])
        case .paste(let s):
            insert(Array(s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")))
        case .enter:
            let line = string
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return .none }
            if history.last != line { history.append(line) }
            if history.count > maxHistory { history.removeFirst(history.count - maxHistory) }
            set([])
            historyIndex = nil
            return .submit(line)
        case .tab, .shiftTab:
            guard var cycle = completion else { return .complete(forward: key == .tab) }
            cycle.step(forward: key == .tab)
            replace(from: cycle.start, with: cycle.text)
            completion = cycle
        case .backspace:
            if cursor > 0 {
                text.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete:
            if cursor < text.count { text.remove(at: cursor) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = text.count
        case .wordLeft: cursor = wordStart(before: cursor)
        case .wordRight: cursor = wordEnd(after: cursor)
        case .deleteWordBackward:
            let start = wordStart(before: cursor)
            text.removeSubrange(start..<cursor)
            cursor = start
        case .killToEnd: text.removeSubrange(cursor...)
        case .killToStart:
            text.removeSubrange(..<cursor)
            cursor = 0
        case .up: recall(older: true)
        case .down: recall(older: false)
        case .pageUp: return .scroll(1)
        case .pageDown: return .scroll(-1)
        case .redraw: return .redraw
        case .interrupt: return .quit
        case .eof: if text.isEmpty { return .quit } else if cursor < text.count { text.remove(at: cursor) }
        case .altDigit(let n): return .switchChannel(n)
        case .nextChannel: return .nextChannel
        case .previousChannel: return .previousChannel
        case .nextUnread: return .nextUnread
        case .escape: return .dismiss
        case .wheelUp: return .scrollLines(Self.wheelLines)
        case .wheelDown: return .scrollLines(-Self.wheelLines)
        }
        return .none
    }

    /// Puts the first candidate (the last, going back) in place of the word before the cursor; with
    /// more than one, further Tabs and Shift-Tabs cycle through them.
    public mutating func complete(with candidates: [String], forward: Bool = true) {
        guard var cycle = TabCycle(start: currentWord.start, candidates: candidates) else { return }
        if !forward { cycle.step(forward: false) }
        replace(from: cycle.start, with: cycle.text)
        completion = candidates.count > 1 ? cycle : nil
    }

    /// Replaces the word under the cursor (from `start`) with `replacement` (completion).
    public mutating func replace(from start: Int, with replacement: String) {
        let s = max(0, min(start, cursor))
        text.replaceSubrange(s..<cursor, with: Array(replacement))
        cursor = s + replacement.count
    }

    /// The word before the cursor and where it starts (for completion).
    public var currentWord: (start: Int, word: String) {
        var s = cursor
        while s > 0, !text[s - 1].isWhitespace { s -= 1 }
        return (s, String(text[s..<cursor]))
    }

    public mutating func set(_ line: String) { set(Array(line)) }

    private mutating func set(_ chars: [Character]) {
        text = chars
        cursor = chars.count
    }

    private mutating func insert(_ chars: [Character]) {
        text.insert(contentsOf: chars, at: cursor)
        cursor += chars.count
        historyIndex = nil
    }

    private mutating func recall(older: Bool) {
        guard !history.isEmpty else { return }
        if historyIndex == nil {
            guard older else { return }
            draft = text
            historyIndex = history.count - 1
        } else if older {
            historyIndex = max(0, historyIndex! - 1)
        } else if historyIndex! + 1 < history.count {
            historyIndex! += 1
        } else {
            historyIndex = nil
            set(draft)
            return
        }
        set(Array(history[historyIndex!]))
    }

    private func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0, text[i - 1].isWhitespace { i -= 1 }
        while i > 0, !text[i - 1].isWhitespace { i -= 1 }
        return i
    }

    private func wordEnd(after index: Int) -> Int {
        var i = index
        while i < text.count, text[i].isWhitespace { i += 1 }
        while i < text.count, !text[i].isWhitespace { i += 1 }
        return i
    }
}
