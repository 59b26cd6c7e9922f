import SwarmProtocol

/// In the channel view, replies sit among unrelated messages: each says which message (and case)
/// it answers, as `swarm history` does, so a reader need not open every thread to follow them.
struct ReplyContext {
    private let byId: [String: Message]

    /// `roots`: the parents the drawn replies name. Built once per redraw, so naming the parent of
    /// each reply stays linear in the channel, and only those are kept: with none on screen a
    /// redraw of a 10,000-message channel costs nothing here (tui-bench).
    init(_ messages: [Message], roots: Set<String>) {
        byId = roots.isEmpty ? [:] : Dictionary(messages.lazy.filter { roots.contains($0.id) }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `↳ CS3 M1 “Customer 4411 wants a re…”`; the excerpt when the parent is loaded, the case
    /// when the thread is a case thread.
    func tag(_ root: String, model: ChatModel) -> String {
        var tag = "↳ "
        if let c = model.casesByThread[root] { tag += c.id + " " }
        tag += root
        guard let parent = byId[root] else { return tag }
        let text = parent.deleted ? "(deleted)" : parent.body.replacingOccurrences(of: "\n", with: " ")
        let excerpt = TextWidth.prefix(text, cells: Self.excerptCells)
        return tag + " “" + excerpt + (excerpt.count < text.count ? "…" : "") + "”"
    }

    static let excerptCells = 24
}
