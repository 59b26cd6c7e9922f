/// What commands print (help, lists, briefs, errors, notifications), kept apart from
/// the conversation: the renderer gives it a pane of its own under the messages, so it never pushes
/// messages off screen. Esc or /clear closes it; the next command starts it afresh.
public struct OutputPane: Equatable, Sendable {
    public var lines: [ChatModel.Notice] = []
    /// First (wrapped) line shown; PgUp/PgDn move it while the pane is open.
    public var top = 0

    public init() {}

    /// Enough for a brief or a long /help; older lines of a busy session go first.
    static let maxLines = 500

    mutating func append(_ notice: ChatModel.Notice) {
        lines.append(notice)
        if lines.count > Self.maxLines { lines.removeFirst(lines.count - Self.maxLines) }
    }
}
