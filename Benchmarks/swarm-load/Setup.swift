import Foundation
import SwarmClient
import SwarmProtocol

struct LoadUser: Sendable {
    var id: String
    var name: String
    var token: String
}

/// What the admin connection prepares before a run: users with a common run prefix and the
/// channels they post in. Everything is pipelined over the one admin socket.
struct Setup: Sendable {
    let admin: SwarmConnection
    let run: String
    let concurrency: Int
    let failures: Tally

    /// Nothing reads the admin's events, and it is a member of every load channel: its event
    /// frames are dropped unparsed, so the tool does not spend a decode per post on them.
    static func connectAdmin(url: String, token: String) async throws -> SwarmConnection {
        let conn = try await SwarmConnection.connect(url: url, hello: HelloRequest(token: token, client: "swarm-load"), decodeEvents: false)
        let events = conn.events
        Task { for await _ in events {} }
        return conn
    }

    /// A short id that keeps names of different runs apart (names allow a-z 0-9 . _ -).
    static func makeRunId() -> String {
        let seconds = Int(Date().timeIntervalSince1970) % 1_000_000
        let random = Int.random(in: 0..<1296)
        return String(seconds, radix: 36) + String(random, radix: 36)
    }

    /// Setup sends thousands of admin requests on one connection; the server's per-connection
    /// rate limit answers some with `rate_limited`. Those are retried after a growing pause.
    static func retryingWhenLimited<R>(_ body: () async throws -> R) async throws -> R {
        var pause = 0.05
        while true {
            do {
                return try await body()
            } catch let error as SwarmError where error.code == .rateLimited {
                try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
                pause = min(1, pause * 2)
            }
        }
    }

    /// Creates `count` agents named `lt-<run>-<i>`; failures are tallied and left out.
    func createUsers(_ count: Int) async -> [LoadUser] {
        let admin = self.admin, run = self.run, failures = self.failures
        let users = await concurrently(count, limit: concurrency) { i -> LoadUser? in
            do {
                let reply = try await Self.retryingWhenLimited {
                    try await admin.request(
                        Op.userCreate.rawValue, UserCreateRequest(name: "lt-\(run)-\(i)", role: .agent), as: UserCreateReply.self)
                }
                return LoadUser(id: reply.user.id, name: reply.user.name, token: reply.token)
            } catch {
                failures.add("user.create " + Tally.kind(of: error))
                return nil
            }
        }
        return users.compactMap { $0 }
    }

    /// Creates a public channel with `members` in it before anyone connects, so the run does not
    /// start with a storm of `member.joined` events. `channel.create` takes 1000 initial members;
    /// the rest are added with `channel.invite`.
    func createChannel(_ name: String, members: [LoadUser]) async throws -> Channel {
        let first = Array(members.prefix(1000)).map(\.id)
        let channel = try await admin.request(
            Op.channelCreate.rawValue, ChannelCreateRequest(name: name, kind: .public, members: first), as: Channel.self)
        let rest = Array(members.dropFirst(1000))
        let admin = self.admin, failures = self.failures
        _ = await concurrently(rest.count, limit: concurrency) { i -> Bool? in
            do {
                _ = try await Self.retryingWhenLimited {
                    try await admin.request(Op.channelInvite.rawValue, ChannelInviteRequest(channel: channel.id, user: rest[i].id))
                }
            } catch {
                failures.add("channel.invite " + Tally.kind(of: error))
            }
            return nil
        }
        return channel
    }
}
