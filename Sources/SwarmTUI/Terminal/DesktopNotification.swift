/// A desktop notification asked of the terminal itself: OSC 9 (iTerm2, Windows Terminal, kitty,
/// WezTerm, Ghostty…) or, where the environment names a terminal that reads it, OSC 777
/// `notify;title;body` (VTE terminals such as GNOME Terminal, urxvt, foot, Ghostty, WezTerm), sent
/// instead of OSC 9 so a terminal that knows both shows one notification, not two. Terminals that
/// know neither ignore the sequence. Off with `swarm --no-notify`.
public enum DesktopNotification {
    /// Longest body sent: a notification is a nudge, not the message.
    static let maxBody = 200

    /// String terminator: ESC \\, not BEL, so a notification is never taken for (or counted as) the bell.
    static let st = "\u{1B}\\"

    public static func sequence(title: String, body: String, environment: [String: String]) -> String {
        let title = clean(title, limit: 80)
        let body = clean(body, limit: maxBody)
        if speaks777(environment) {
            // `;` separates the fields: the title must not hold one (the body is the last field).
            return "\u{1B}]777;notify;\(title.replacingOccurrences(of: ";", with: ","));\(body)\(st)"
        }
        return "\u{1B}]9;\(title): \(body)\(st)"
    }

    /// Terminals known to read OSC 777 notify, by what they put in the environment.
    static func speaks777(_ environment: [String: String]) -> Bool {
        let program = environment["TERM_PROGRAM"] ?? ""
        let term = environment["TERM"] ?? ""
        return !(environment["VTE_VERSION"] ?? "").isEmpty || program == "ghostty" || program == "WezTerm"
            || term.hasPrefix("rxvt-unicode") || term.hasPrefix("foot")
    }

    /// Message text is hostile: no control character may reach the terminal (an ESC or BEL would
    /// end the sequence and let the rest be read as commands), and the length is bounded.
    static func clean(_ text: String, limit: Int) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            let v = scalar.value
            out.unicodeScalars.append(v < 0x20 || (0x7F..<0xA0).contains(v) ? " " : scalar)
        }
        return out
    }
}
