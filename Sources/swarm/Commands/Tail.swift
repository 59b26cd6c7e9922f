import ArgumentParser
import Foundation
import SwarmClient
import SwarmProtocol

/// `swarm tail`: recent history, then the channel's live message events.
struct Tail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a channel's recent messages, then follow new, edited and deleted ones.",
        discussion: """
            Runs until interrupted (Ctrl-C: exit status 130), until --count events were printed, or \
            until the connection ends (exit status 5). However it stops, it prints \
            "resume with --after N" on stderr: run it again with that to continue where it stopped. \
            Given several nodes (--url A,B), it does that itself: when the connection ends it moves \
            to the next node and resumes from the last seq it saw, without losing or repeating \
            events (in JSON, another {"ev":"ready"} line marks where it is live again).

            With --json every line is one object: {"ev":"history","data":message} for the recent \
            messages, then {"ev":"ready","seq":N} once live, then the events as the server sent \
            them: {"ev":"message.new"|"message.edited"|"message.deleted","seq":N,"data":...}.
            """)

    @Argument(help: "Channel: #name, name or id.")
    var channel: String

    @Option(name: [.customShort("n"), .customLong("lines")], help: "How many recent messages to print first.")
    var lines: Int = 20

    @Option(help: ArgumentHelp(
        "Resume from the event log: replay this channel's events after this seq instead of printing history.",
        valueName: "seq"))
    var after: Int64?

    @Option(help: "Exit after this many events (new, edited or deleted messages) were printed.")
    var count: Int?

    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func validate() throws {
        guard lines >= 0 else { throw ValidationError("--lines must be 0 or more") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let after, after < 0 { throw ValidationError("--after must be 0 or more") }
    }

    func run() async throws {
        try await options.withSession(after: after) { session in
            let target = try await session.resolveChannel(channel)
            // Ready for Ctrl-C before anything is printed: until the first event arrives the resume
            // point is where this session started in the log (`after`, or the head at hello), so
            // a stop during the history still says where to continue without losing events.
            let resume = ResumePoint()
            resume.update(after ?? session.hello.seq)
            let interrupts = resume.exitOnInterrupt()
            defer { withExtendedLifetime(interrupts) {} }
            var formatter = MessageFormatter()
            var shown = Set<String>()
            var shownThrough: Int64?
            if after == nil, lines > 0 {
                let limit = min(lines, session.hello.limits.historyMax)
                let (raw, page) = try await session.call(.history, HistoryRequest(channel: target.id, limit: limit), as: HistoryReply.self)
                // JSON lines carry the server's objects as sent, fields this client does not know included.
                let rawMessages = raw["messages"]?.array ?? []
                formatter = MessageFormatter(messages: page.messages)
                // A message posted after hello is in the page before its live event arrives: once
                // the page is printed, a stop must say to resume after it, or the message would
                // repeat. A Ctrl-C while the page prints waits for it (`printing`), so the hint
                // matches what was printed. The tail shows this channel's messages only, so
                // resuming after the page loses nothing it would print (PROTOCOL.md, history).
                try resume.printing(through: page.seq) {
                    for (i, message) in page.messages.enumerated() {
                        shown.insert(message.id)
                        if options.json {
                            let data = rawMessages.indices.contains(i) ? rawMessages[i] : try .from(message)
                            Output.json(.object(["ev": .string("history"), "data": data]))
                        } else {
                            formatter.lines(for: message).forEach(Output.line)
                        }
                    }
                }
                shownThrough = page.seq
            }
            var follower = TailFollower(channel: target.id, shownHistory: shown, shownThrough: shownThrough, remaining: count)
            var session = session
            var resumed = false
            while true {
                if try await follow(session, &follower, resume: resume, formatter: &formatter, target: target) {
                    if resumed { await session.close() }   // the first one is closed by withSession
                    return
                }
                let closed = await session.connection.closed()
                // One node: stop and say where to resume. Several: resume on the next one now.
                guard session.settings.urls.count > 1, closed.code.map({ UInt16(clamping: $0) }) != CloseCode.unauthorized else {
                    throw CLIError.closed(closed, resumeAfter: resume.value)
                }
                let nextNode = (session.node + 1) % session.settings.urls.count
                Output.error("swarm: \(CLIError.closed(closed).message) on \(session.settings.urls[session.node]); resuming on the next node after seq \(resume.value ?? 0)")
                let next = try await ServerSession.open(session.settings, after: resume.value, startingAt: nextNode)
                if resumed { await session.close() }
                session = next
                resumed = true
            }
        }
    }

    /// Prints the session's events until it ends (false) or --count is reached (true).
    private func follow(_ session: ServerSession, _ follower: inout TailFollower, resume: ResumePoint, formatter: inout MessageFormatter,
                        target: Channel) async throws -> Bool {
        for await frame in session.connection.events {
            let action = follower.handle(frame)
            // The event's line and the resume point move together for a Ctrl-C (`printing`).
            switch action {
            case .skip:
                resume.update(follower.lastSeq)
                continue
            case .ready(let seq):
                resume.printing(through: follower.lastSeq) {
                    if options.json {
                        Output.json(.object(["ev": .string("ready"), "seq": .number(Double(seq))]))
                    } else {
                        Output.hint("-- following #\(target.name) from seq \(seq); Ctrl-C to stop --")
                    }
                }
            case .print(let event, let data):
                try resume.printing(through: follower.lastSeq) {
                    if options.json {
                        var object: [String: JSONValue] = ["ev": .string(event.rawValue), "data": data]
                        if let seq = frame.seq { object["seq"] = .number(Double(seq)) }
                        Output.json(.object(object))
                    } else {
                        try render(event, data, with: &formatter).forEach(Output.line)
                    }
                }
                if follower.done {
                    resume.printHint()
                    return true
                }
            }
        }
        return false
    }

    private func render(_ event: EventName, _ data: JSONValue, with formatter: inout MessageFormatter) throws -> [String] {
        switch event {
        case .messageDeleted:
            formatter.now = Date()
            return formatter.lines(forDeleted: try data.decode(MessageDeletedEvent.self))
        default:
            return formatter.lines(for: try data.decode(Message.self))
        }
    }
}
