import Foundation
import SwarmProtocol

/// How a role may use a customer or case op. The table is written out in PROTOCOL.md §18.1
/// ("Customer and case ops") and the tests walk every role × op pair.
public enum CaseAccess: String, Sendable {
    /// On every case.
    case any
    /// Only on cases the user was swarmed into (invited to or joined).
    case swarmed
    /// Bots: only when the token's scopes list the op and the case's channel matches its patterns.
    case scoped
    case none
}

public enum CasePermissions {
    /// The case and customer ops (and who may use them). Ops not listed here are not case ops.
    public static let caseOps: [Op] = [
        .customerCreate, .customerFind, .customerUpdate, .customerMerge, .customerTimeline,
        .caseOpen, .caseGet, .caseList, .caseUpdate, .caseLinkTicket, .caseUnlinkTicket, .ticketLookup,
        .caseInteraction, .caseNote, .caseFact, .caseHelpers, .caseSwarm, .caseJoin, .caseHandoff, .caseBrief,
        .caseCsat, .replyCheck,
    ]

    /// Ops agents may not use: merging customers, and recording CSAT, which is the customer's word
    /// (brought by a survey bridge, or entered by a lead), not the agent's.
    static let agentDeniedOps: Set<Op> = [.customerMerge, .caseCsat]

    /// What marketing and product staff may do in a case they were swarmed into: read it, join
    /// its thread, add notes. They never change owner, status or tickets.
    static let swarmedStaffOps: Set<Op> = [.caseGet, .caseList, .caseBrief, .caseNote, .caseJoin]

    /// What a bot token may be scoped to. Bots feed cases; they do not swarm, hand off or merge.
    public static let botScopableOps: Set<Op> = [
        .customerCreate, .customerFind, .customerUpdate, .customerTimeline,
        .caseOpen, .caseGet, .caseList, .caseUpdate, .caseLinkTicket, .caseUnlinkTicket, .ticketLookup,
        .caseInteraction, .caseNote, .caseFact, .caseBrief, .caseCsat, .replyCheck,
    ]

    public static func access(_ role: Role, _ op: Op) -> CaseAccess {
        switch role {
        case .agent:
            return agentDeniedOps.contains(op) ? .none : .any
        case .lead, .admin:
            return .any
        case .marketing, .product:
            return swarmedStaffOps.contains(op) ? .swarmed : .none
        case .bot:
            return botScopableOps.contains(op) ? .scoped : .none
        }
    }
}

/// A token's limits (bot tokens made with `swarmd admin bot add --scopes … --channels …`).
public struct TokenScope: Sendable, Equatable {
    /// Ops the token may use besides `hello` and `ping`; nil = any op the role allows.
    public var ops: Set<String>?
    /// Channel name patterns (`support-*`, `billing`); nil = any channel.
    public var channels: [String]?

    public init(ops: Set<String>?, channels: [String]?) {
        self.ops = ops
        self.channels = channels
    }

    public static let unlimited = TokenScope(ops: nil, channels: nil)

    public func allows(op: String) -> Bool {
        op == Op.hello.rawValue || op == Op.ping.rawValue || ops.map { $0.contains(op) } ?? true
    }

    public func allows(channel name: String) -> Bool {
        guard let channels else { return true }
        return channels.contains { Self.matches(pattern: $0, name) }
    }

    /// `*` matches any run of characters; everything else is literal. Leading `#` is ignored.
    public static func matches(pattern: String, _ name: String) -> Bool {
        let p = Array(Names.strip(pattern).lowercased().utf8), n = Array(name.lowercased().utf8)
        var (pi, ni, star, mark) = (0, 0, -1, 0)
        while ni < n.count {
            if pi < p.count, p[pi] != UInt8(ascii: "*"), p[pi] == n[ni] {
                pi += 1
                ni += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ni
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ni = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}

/// Rules for case text fields.
public enum CaseRules {
    /// A hand-off note must carry at least one real sentence: three words and 15 characters.
    public static func isUsableHandoffNote(_ note: String) -> Bool {
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = trimmed.split(whereSeparator: { $0.isWhitespace }).filter { $0.contains { $0.isLetter } }
        return trimmed.count >= 15 && words.count >= 3
    }

    /// Tags: lower-case names, at most 16.
    public static func validTags(_ tags: [String]) throws -> [String] {
        let clean = tags.map { Names.strip($0).lowercased() }.filter { !$0.isEmpty }
        guard clean.count <= 16, clean.allSatisfy({ Names.isValid($0, maxLength: 32) }) else {
            throw SwarmError.badRequest("tags are up to 16 names of a-z 0-9 . _ -")
        }
        var seen = Set<String>()
        return clean.filter { seen.insert($0).inserted }
    }
}
