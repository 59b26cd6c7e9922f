import SwarmProtocol

/// /thread, /back, /reply, /edit, /delete, /history.
public enum MessageCommands {
    public static let commands: [SlashCommand] = [
        SlashCommand("thread", [.message], usage: "/thread M123", summary: "Open a message's thread; lines you type go there") { c, args in
            try await c.openThread(args[0])
        },
        SlashCommand("back", usage: "/back", summary: "Close the thread and return to the channel") { c, _ in
            await c.closeThread()
        },
        SlashCommand("reply", [.message, .text], usage: "/reply M123 text", summary: "Reply in a message's thread") { c, args in
            let model = await c.model
            let channel = model.channels.values.first { $0.messages.contains { $0.id == args[0] } }?.channel.id ?? model.current
            guard let channel else { throw SwarmError.notFound("unknown message \(args[0])") }
            await c.post(args[1], channel: channel, thread: args[0])
        },
        SlashCommand("edit", [.message, .text], usage: "/edit M123 new text", summary: "Edit one of your messages (the old text is kept for audit)") { c, args in
            _ = try await c.request(.messageEdit, MessageEditRequest(message: args[0], body: args[1]), as: Message.self)
        },
        SlashCommand("older", usage: "/older", summary: "Load older messages of this channel (PgUp past the top does the same)") { c, _ in
            let n = try await c.loadOlder()
            await c.notice(n == 0 ? "no older messages" : "loaded \(n) older messages (PgUp to read them)")
        },
        SlashCommand("delete", [.message], usage: "/delete M123", summary: "Delete one of your messages") { c, args in
            _ = try await c.request(.messageDelete, MessageRef(message: args[0]), as: MessageDeletedEvent.self)
        },
    ]
}
