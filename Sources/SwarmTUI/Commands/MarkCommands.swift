import SwarmProtocol

/// /mark question|answer|none [M123]: marks feed the brief's open questions and `/kb capture`.
public enum MarkCommands {
    public static let details = [
        "/mark question [M123]   mark a question; default: the newest message here (thread or channel) not written by you",
        "/mark answer [M123]     mark an answer; default: the newest message here not marked as a question (yours too);",
        "                        it answers the newest marked question before it in the same thread or channel",
        "/mark none [M123]       clear a mark; default: the newest marked message here",
    ]

    public static let commands: [SlashCommand] = [
        SlashCommand("mark", [.choice(["question", "answer", "none"]), .optional(.message)], usage: "/mark question|answer|none [M123]",
                     summary: "Mark a question or its answer, for the case brief and /kb capture (/help mark)", details: details) { c, args in
            let model = await c.model
            let view = MarkTarget.visible(model)
            guard let target = MarkTarget.pick(args[0], explicit: args[1].isEmpty ? nil : args[1], in: view, me: model.me?.id) else {
                throw SwarmError.badRequest(args[1].isEmpty ? "no message here to mark; name it: /mark \(args[0]) M123" : "unknown message \(args[1])")
            }
            let marked = try await c.request(.messageMark, MessageMarkRequest(message: target.message, mark: args[0], answers: target.answers), as: Message.self)
            await c.update { $0.merge(history: [marked], into: marked.channel) }
            let what = args[0] == "none" ? "cleared the mark of \(marked.id)"
                : "marked \(marked.id) as \(args[0] == "question" ? "a question" : "the answer")" + (target.answers.map { " to \($0)" } ?? "")
            await c.notice(what + ": " + String(marked.body.prefix(60)))
        },
    ]
}

/// Which message `/mark` means when none is named, and which question an answer answers.
public enum MarkTarget {
    /// The messages of the open view, oldest first: the thread (root and replies) or the
    /// channel's top-level messages. Deleted ones cannot be marked.
    public static func visible(_ model: ChatModel) -> [Message] {
        let all = model.currentChannel?.messages ?? []
        let shown: [Message]
        if case .thread(let root) = model.view {
            shown = all.filter { $0.id == root || $0.thread == root }
        } else {
            shown = all.filter { $0.thread == nil }
        }
        return shown.filter { !$0.deleted }
    }

    public static func pick(_ mark: String, explicit: String?, in messages: [Message], me: String?) -> (message: String, answers: String?)? {
        let newestFirst = messages.reversed()
        let chosen: String?
        if let explicit {
            chosen = explicit
        } else {
            switch mark {
            case "question": chosen = newestFirst.first { $0.author != me }?.id
            case "answer": chosen = newestFirst.first { $0.mark != "question" }?.id
            default: chosen = newestFirst.first { $0.mark != nil }?.id
            }
        }
        guard let chosen else { return nil }
        guard mark == "answer" else { return (chosen, nil) }
        // The question it answers: the newest marked question older than the answer, in this view.
        let before = messages.firstIndex { $0.id == chosen }.map { messages[..<$0] } ?? []
        return (chosen, before.last { $0.mark == "question" }?.id)
    }
}
