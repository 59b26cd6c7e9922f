import SwarmProtocol

/// /grep: finding things in what is already loaded.
public enum BufferCommands {
    public static let commands: [SlashCommand] = [
        SlashCommand("grep", [.text], usage: "/grep words", summary: "List loaded messages of this channel or thread holding all the words",
                     details: ["Case-insensitive, over the messages this client has loaded (PgUp or /older loads more);",
                               "matches are listed oldest first, newest last, with day, time, author and id (/thread ID opens one).",
                               "/search asks the server instead, over every channel you can read."]) { c, args in
            let words = args[0].split(whereSeparator: \.isWhitespace).map(String.init)
            let model = await c.model
            guard model.currentChannel != nil else { throw SwarmError.badRequest("open a channel first") }
            await c.notice(model.grepPage(words), highlighted: true)
        },
    ]
}
