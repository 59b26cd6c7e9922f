import Foundation
import SwarmProtocol

/// Everything the terminal client shows, as a value. Server events and command results are
/// applied to it; the renderer draws it; tests inspect it. No I/O here.
public struct ChatModel: Sendable {
    public enum Connection: Equatable, Sendable {
        case connecting
        case live
        case reconnecting(attempt: Int, inSeconds: Int)
        case stopped(String)
    }

    public enum View: Equatable, Sendable {
        case channel
        /// A thread opened with /thread: its root message id.
        case thread(String)
    }

    public struct ChannelState: Sendable {
        public var channel: Channel
        public var messages: [Message] = []
        public var unread = 0
        public var mentions = 0
        public var historyLoaded = false
        /// `before` cursor for the page older than what is loaded; nil at the channel's start.
        public var olderCursor: String?
        /// The first message that was unread when the channel was opened: a "new since you left"
        /// line is drawn above it.
        public var firstUnread: String?
        /// The unread count at opening, kept until the history holding those messages has come.
        var unreadAtOpen = 0
        /// Members of the channel (`channel.members`), for the header line; nil until asked.
        public var memberCount: Int?
        /// The log's head `unread` and `mentions` were last set from (`unread.list`'s seq): they
        /// count this channel's messages and mentions up to it, so a live event up to it applied
        /// after them (in flight while they were read, or replayed after a reconnect) adds
        /// nothing. 0: not set from a reply (the channel was open then), every event counts.
        var countedThrough: Int64 = 0
    }

    /// A line typed by the user that the server has not acknowledged yet.
    public struct Pending: Equatable, Sendable, Codable {
        public var key: String
        public var channel: String
        public var body: String
        public var thread: String?

        public init(key: String, channel: String, body: String, thread: String?) {
            self.key = key
            self.channel = channel
            self.body = body
            self.thread = thread
        }
    }

    public struct Notice: Equatable, Sendable {
        public enum Kind: Sendable { case info, error, mention }
        public var kind: Kind
        public var text: String
        /// The text holds search highlights (`**word**`): drawn bold, or stripped in line mode.
        public var highlighted = false
        /// A desktop notification's title, for a direct message or a mention while another channel
        /// is open (`DesktopNotification`); nil for alerts that only ring the bell.
        public var desktopTitle: String?
    }

    public var me: User?
    public var connection: Connection = .connecting
    /// `host:port` of the node in use, when the client was given several (nil: only one).
    public var node: String?
    /// Users, channels and the first history page have been loaded once.
    public var loaded = false
    public var channels: [String: ChannelState] = [:]
    public var users: [String: User] = [:]
    public var current: String?
    public var view: View = .channel
    public var lastSeq: Int64 = 0
    public var outbox: [Pending] = []
    /// A y/N question the input line shows instead of the draft (quit with unsent lines, a big paste).
    public var question: String?
    /// A reply held back by the tone check (`/case reply`), waiting for "send anyway? y/N".
    public var pendingReply: PendingReply?
    var pendingReplyAsked = false
    /// Every system line (help, errors, search results) in order, for line mode; bounded.
    public var notices: [Notice] = []
    /// The full-screen client's pane for command output; nil when closed.
    public var output: OutputPane?
    /// The `/queue` pane's data while it is open (Queue/QueueCommands.swift).
    public var queue: QueuePaneState?
    /// Mentions and other alerts since the last render, for the bell and the status line.
    public var alerts: [Notice] = []
    /// The newest alert and when it came, shown on the status line for a few seconds.
    public var lastAlert: (notice: Notice, at: Date)?
    /// Lines scrolled back from the bottom of the message pane.
    public var scroll = 0
    /// Cases seen in events and command replies, by their thread root id: the status line shows
    /// the case of the thread being viewed.
    public var casesByThread: [String: Case] = [:]
    /// Search-as-you-type results while the input line holds `/kb search …`.
    public var kbLive: (query: String, hits: [KBHit])?
    /// Message a /reply or /edit without an id refers to: the last one in the current view.
    public var selected: String?
    public var typing: [String: Date] = [:]
    /// Your own presence as the server last announced it (`/away` toggles it), for the status line.
    public var myStatus: PresenceStatus = .online

    public init() {}

    /// Channels in list order: public and private by name, then direct messages.
    public var channelOrder: [ChannelState] {
        channels.values.sorted { a, b in
            let ka = a.channel.kind == .dm ? 1 : 0
            let kb = b.channel.kind == .dm ? 1 : 0
            return ka != kb ? ka < kb : displayName(a.channel) < displayName(b.channel)
        }
    }

    public var currentChannel: ChannelState? { current.flatMap { channels[$0] } }

    /// Ticket keys with a URL, from the cases this client has seen: they are drawn as links.
    public var ticketLinks: [String: String] {
        var out: [String: String] = [:]
        for c in casesByThread.values { for t in c.tickets { if let url = t.url { out[t.key] = url } } }
        return out
    }

    /// `#support`, or `@bob` for a direct message.
    public func displayName(_ channel: Channel) -> String {
        guard channel.kind == .dm else { return "#" + channel.name }
        let parts = channel.name.split(separator: ".").dropFirst().map { "U" + $0 }
        let other = parts.first { $0 != me?.id } ?? parts.first ?? ""
        return "@" + (users[other]?.name ?? other)
    }

    public func channel(named ref: String) -> ChannelState? {
        if let c = channels[ref] { return c }
        let name = ref.hasPrefix("#") ? String(ref.dropFirst()) : ref
        if ref.hasPrefix("@") {
            return channels.values.first { $0.channel.kind == .dm && displayName($0.channel) == ref }
        }
        return channels.values.first { $0.channel.name == name }
    }

    /// A command's optional channel argument: the current channel when empty, nil when unknown.
    public func channelId(argument: String) -> String? {
        argument.isEmpty ? current : channel(named: argument)?.channel.id
    }

    public func user(named name: String) -> User? {
        let n = name.hasPrefix("@") ? String(name.dropFirst()) : name
        return users[n] ?? users.values.first { $0.name == n }
    }

    // MARK: changes

    /// Unread and mention counts from an `unread.list` reply (the open channel's stay as they are:
    /// it is being read). Live events up to the reply's seq that are still to be applied are in
    /// these counts already (`ChannelState.countedThrough`). A reply older than the counts a
    /// channel has (two loads crossed) leaves that channel alone.
    public mutating func setCounts(_ reply: UnreadListReply) {
        let seq = reply.seq ?? 0
        for u in reply.channels where u.channel != current {
            guard let state = channels[u.channel], reply.seq == nil || seq >= state.countedThrough else { continue }
            channels[u.channel]!.unread = u.unread
            channels[u.channel]!.mentions = u.mentions
            channels[u.channel]!.countedThrough = seq
        }
    }

    public mutating func upsert(_ channel: Channel) {
        if channels[channel.id] == nil {
            channels[channel.id] = ChannelState(channel: channel)
        } else {
            channels[channel.id]!.channel = channel
        }
        if current == nil { current = channel.id }
    }

    public mutating func remove(channel id: String) {
        channels[id] = nil
        if current == id { current = channelOrder.first?.channel.id }
    }

    /// Merges a page of history (oldest first) into a channel.
    public mutating func merge(history: [Message], into channel: String) {
        guard var state = channels[channel] else { return }
        var byId = Dictionary(state.messages.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for m in history { byId[m.id] = m }
        state.messages = byId.values.sorted { Self.order($0.id) < Self.order($1.id) }
        state.historyLoaded = true
        channels[channel] = state
        placeDivider(channel, final: true)
    }

    public mutating func select(channel id: String) {
        guard channels[id] != nil else { return }
        current = id
        view = .channel
        scroll = 0
        selected = nil
        channels[id]!.firstUnread = nil
        channels[id]!.unreadAtOpen = channels[id]!.unread
        placeDivider(id, final: false)
        channels[id]!.unread = 0
        channels[id]!.mentions = 0
    }

    /// Whether an event of `channel` is newer than its counts (one without a seq counts as newer).
    func isAfterCounts(_ frame: ServerFrame, in channel: String) -> Bool {
        (frame.seq ?? .max) > (channels[channel]?.countedThrough ?? 0)
    }

    /// Applies one server event. Returns true when the screen should be redrawn.
    @discardableResult
    public mutating func apply(_ frame: ServerFrame) -> Bool {
        if let seq = frame.seq { lastSeq = max(lastSeq, seq) }
        guard let ev = frame.ev, let data = frame.data else { return false }
        switch ev {
        case EventName.messageNew.rawValue:
            guard let m = try? data.decode(Message.self) else { return false }
            insert(m)
            if m.channel != current, m.author != me?.id {
                if isAfterCounts(frame, in: m.channel) { channels[m.channel]?.unread += 1 }
                // A direct message is addressed to you like a mention is (counted already or
                // not, it alerts); one naming you already alerts through its `mention` event.
                if channels[m.channel]?.channel.kind == .dm, !(me.map { m.mentions.contains($0.id) } ?? false) {
                    ring(Notice(kind: .mention, text: "\(m.authorName) wrote to you: \(m.body.prefix(80))", desktopTitle: "Swarm · @\(m.authorName)"))
                }
            }
            return true
        case EventName.messageEdited.rawValue, EventName.messageDeleted.rawValue, EventName.messageMarked.rawValue:
            if let m = try? data.decode(Message.self) {
                insert(m)
            } else if let d = try? data.decode(MessageDeletedEvent.self),
                      let i = channels[d.channel]?.messages.firstIndex(where: { $0.id == d.id }) {
                channels[d.channel]!.messages[i].deleted = true
                channels[d.channel]!.messages[i].body = ""
            }
            return true
        case EventName.mention.rawValue:
            guard let e = try? data.decode(MentionEvent.self) else { return false }
            if e.message.channel != current, isAfterCounts(frame, in: e.message.channel) { channels[e.message.channel]?.mentions += 1 }
            let place = channels[e.message.channel].map { displayName($0.channel) } ?? e.message.channel
            ring(Notice(kind: .mention, text: "\(e.message.authorName) mentioned you in \(place): \(e.message.body.prefix(80))",
                        desktopTitle: e.message.channel != current ? "Swarm · \(e.message.authorName) in \(place)" : nil))
            return true
        case EventName.caseUpdated.rawValue:
            guard let e = try? data.decode(CaseUpdatedEvent.self) else { return false }
            casesByThread[e.caseInfo.thread] = e.caseInfo
            return true
        case EventName.slaWarning.rawValue, EventName.slaBreached.rawValue:
            return applySLA(ev, data)
        case EventName.caseSwarmInvite.rawValue:
            guard let e = try? data.decode(SwarmInviteEvent.self) else { return false }
            alert("\(e.byName) asks you to swarm on \(e.caseId) “\(e.title)”: \(e.message) (/case join \(e.caseId))")
            return true
        case EventName.caseHandoff.rawValue:
            // The event names the hand-off only (no brief, no case): the case card is kept current
            // by the `case.updated` that comes with it, and `/case brief` fetches what this user may see.
            guard let e = try? data.decode(HandoffEvent.self) else { return false }
            let c = e.handoff.caseId
            let title = casesByThread.values.first { $0.id == c }.map { " “\($0.title)”" } ?? ""
            let target = e.handoff.toName == me?.name ? "you" : (e.handoff.toName.map { "@\($0)" } ?? "this channel")
            alert("\(e.handoff.fromName ?? "someone") handed \(c)\(title) to \(target): \(e.handoff.note) (/case brief \(c))")
            return true
        case EventName.memberLeft.rawValue:
            if let e = try? data.decode(MemberEvent.self), e.user == me?.id { remove(channel: e.channel) }
            return true
        case EventName.presence.rawValue:
            // Offline is only ever another session's goodbye; this one is still here.
            guard let e = try? data.decode(PresenceEntry.self), e.user == me?.id, e.status != .offline else { return false }
            myStatus = e.status
            return true
        case EventName.typing.rawValue:
            if let e = try? data.decode(TypingEvent.self), e.channel == current { typing[e.user] = Date() }
            return true
        default:
            return false
        }
    }

    private mutating func insert(_ m: Message) {
        guard channels[m.channel] != nil else { return }
        if let i = channels[m.channel]!.messages.firstIndex(where: { $0.id == m.id }) {
            channels[m.channel]!.messages[i] = m
        } else {
            channels[m.channel]!.messages.append(m)
            if let root = m.thread, let r = channels[m.channel]!.messages.firstIndex(where: { $0.id == root }) {
                channels[m.channel]!.messages[r].replyCount += 1
            }
        }
        trim(m.channel)
    }

    /// Messages kept per channel while live ones arrive; a trim keeps `keptAfterTrim`.
    public static let messageCap = 2000
    public static let keptAfterTrim = 1500

    /// Bounds a channel's memory without taking away what the reader scrolled back to: the
    /// channel on screen is left alone while scrolled back, a trim cuts down to `keptAfterTrim`
    /// (not a fixed 500 per arrival, which emptied a channel scrolled back to 10,000 messages),
    /// and the cursor for older pages moves to the oldest kept message, so scrolling back fetches
    /// what was dropped.
    private mutating func trim(_ channel: String) {
        guard let count = channels[channel]?.messages.count, count > Self.messageCap,
              !(channel == current && scroll > 0) else { return }
        channels[channel]!.messages.removeFirst(count - Self.keptAfterTrim)
        channels[channel]!.olderCursor = channels[channel]!.messages.first?.id
    }

    /// A notification: status line, bell, and a line in the output pane.
    mutating func alert(_ text: String) {
        ring(Notice(kind: .mention, text: text))
        notice(text, .mention)
    }

    /// The bell (once per redraw, unless --no-bell) and the status line, without the output pane.
    private mutating func ring(_ alert: Notice) {
        alerts.append(alert)
        lastAlert = (alert, Date())
    }

    /// The case of the thread being viewed, if it is a case thread.
    public var currentCase: Case? {
        if case .thread(let root) = view { return casesByThread[root] }
        return nil
    }

    public mutating func notice(_ text: String, _ kind: Notice.Kind = .info, highlighted: Bool = false) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let notice = Notice(kind: kind, text: String(line), highlighted: highlighted)
            notices.append(notice)
            output = output ?? OutputPane()
            output!.append(notice)
        }
        if notices.count > 200 { notices.removeFirst(notices.count - 200) }
    }

    static func order(_ id: String) -> Int64 { Int64(id.dropFirst()) ?? 0 }
}
