import Foundation
import SwarmClient
import SwarmProtocol

/// Moving between channels and threads, and scrolling: what the message pane shows.
extension ChatController {
    public func select(channel id: String) async {
        model.select(channel: id)
        changed()
        if model.channels[id]?.historyLoaded == false { try? await loadHistory(id) }
        markRead()
        // Not awaited: the key that opened the channel is not held up by a second round trip.
        if model.channels[id]?.memberCount == nil { Task { await self.countMembers(id) } }
    }

    /// The header line's member count, from `channel.members`; asked when a channel is first
    /// opened and again when someone joins or leaves it (never on the way to the first screen).
    func countMembers(_ id: String) async {
        guard let reply = try? await request(.channelMembers, ChannelRef(channel: id), as: ChannelMembersReply.self) else { return }
        model.channels[id]?.memberCount = reply.members.count
        changed()
    }

    public func select(index: Int) async {
        let order = model.channelOrder
        guard index >= 1, index <= order.count else { return }
        await select(channel: order[index - 1].channel.id)
    }

    public func cycle(by offset: Int) async {
        let order = model.channelOrder
        guard !order.isEmpty else { return }
        let i = order.firstIndex { $0.channel.id == model.current } ?? 0
        await select(channel: order[(i + offset + order.count) % order.count].channel.id)
    }

    /// Alt-A: the next channel after this one with mentions, else with unread messages.
    public func nextUnread() async {
        guard let id = model.nextUnread else { return }
        await select(channel: id)
    }

    public func joined(_ channel: Channel) async {
        model.upsert(channel)
        await select(channel: channel.id)
    }

    public func left(_ id: String) {
        model.remove(channel: id)
        changed()
    }

    public func openThread(_ root: String) async throws {
        let thread = try await request(.threadGet, MessageRef(message: root), as: ThreadReply.self)
        model.merge(history: [thread.root] + thread.replies, into: thread.root.channel)
        if model.current != thread.root.channel { model.select(channel: thread.root.channel) }
        model.view = .thread(thread.root.id)
        model.scroll = 0
        changed()
    }

    public func closeThread() {
        model.view = .channel
        changed()
    }

    public func toggleAway() async throws -> Bool {
        // From what the server last said, so an away set by another of your sessions toggles back.
        let status: PresenceStatus = model.myStatus == .away ? .online : .away
        _ = try await request(.presenceSet, PresenceSetRequest(status: status), as: Empty.self)
        away = status == .away
        model.myStatus = status
        changed()
        return away
    }

    /// Scrolls the message pane; scrolling past the oldest loaded message fetches older history.
    public func scroll(by lines: Int) async {
        model.scroll = max(0, model.scroll + lines)
        changed()
        if lines > 0, let state = model.currentChannel, state.olderCursor != nil, model.scroll >= state.messages.count {
            _ = try? await loadOlder()
        }
    }

    /// Search-as-you-type: while the input line reads `/kb search words`, the best articles are
}
