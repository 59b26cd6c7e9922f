/// A key press after decoding the terminal's byte stream.
public enum Key: Equatable, Sendable {
    case char(Character)
    case enter
    case tab
    case shiftTab
    case backspace
    case delete
    case left, right, up, down
    case home, end
    case pageUp, pageDown
    case wordLeft, wordRight
    /// Ctrl-W / Alt-Backspace.
    case deleteWordBackward
    /// Ctrl-K.
    case killToEnd
    /// Ctrl-U.
    case killToStart
    /// Ctrl-L.
    case redraw
    /// Ctrl-C / Ctrl-D on an empty line.
    case interrupt
    case eof
    case escape
    /// Alt-1 … Alt-9: switch to the n-th channel.
    case altDigit(Int)
    /// Ctrl-N / Ctrl-P: next / previous channel.
    case nextChannel, previousChannel
    /// Alt-A: the next channel with unread messages (mentions first).
    case nextUnread
    /// The mouse wheel turned one notch up (back in time) or down, over the screen (SGR mouse report).
    case wheelUp, wheelDown
    /// Text pasted in one go (bracketed paste): inserted as is, never submitted by its newlines.
    case paste(String)
}
