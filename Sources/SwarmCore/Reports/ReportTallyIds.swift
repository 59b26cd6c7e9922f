import Foundation
import SwarmProtocol

/// A `ReportContactTally` with its names as ids: texts (channels, accounts) as `ReportTextIds`
/// ids, users and teams by their row ids. The report sums ~43,000 tallies a month; hashing an
/// integer per key instead of a string was most of what summing them cost. Names are looked up
/// once per group, when the figures are written (`ReportTallyNames`).
public struct ReportTallyIds: Sendable {
    /// The first hour (since 1970) of the tally: its hour, or the first hour of its day for a day tally.
    public var hour: Int64
    /// The hours its contacts were sent in, counted from `hour`: 1 for an hourly tally, bit h for
    /// hour `hour + h` of a day tally.
    public var hours: UInt32
    public var channel: Int64
    /// -1: none.
    public var account: Int64
    public var dedicated: Bool
    public var direction: Direction
    public var isDuplicate: Bool
    /// The user credited with the responses (0: none).
    public var responder: Int64
    /// -1: no response yet. A day tally's is the first hour of the day of the response.
    public var answerHour: Int64
    /// 0: unowned.
    public var caseOwner: Int64
    public var caseTeam: Int64
    /// -1: none.
    public var caseFirstChannel: Int64
    public var caseFirstAccount: Int64
    public var count: Int

    public init(hour: Int64, hours: UInt32 = 1, channel: Int64, account: Int64, dedicated: Bool, direction: Direction, isDuplicate: Bool, responder: Int64,
                answerHour: Int64, caseOwner: Int64, caseTeam: Int64, caseFirstChannel: Int64, caseFirstAccount: Int64, count: Int) {
        self.hour = hour
        self.hours = hours
        self.channel = channel
        self.account = account
        self.dedicated = dedicated
        self.direction = direction
        self.isDuplicate = isDuplicate
        self.responder = responder
        self.answerHour = answerHour
        self.caseOwner = caseOwner
        self.caseTeam = caseTeam
        self.caseFirstChannel = caseFirstChannel
        self.caseFirstAccount = caseFirstAccount
        self.count = count
    }
}

/// The names behind a report's tally ids: users (owners, responders) and teams by row id.
public struct ReportTallyNames: Sendable {
    public var users: [Int64: String]
    public var teams: [Int64: String]

    public init(users: [Int64: String], teams: [Int64: String]) {
        self.users = users
        self.teams = teams
    }
}

/// Small ids for the few distinct texts of a report's tallies (channels, accounts), from 0 up.
public struct ReportTextIds: Sendable {
    public private(set) var names: [String] = []
    private var bytes: [[UInt8]] = []
    private var index: [String: Int64] = [:]

    public init() {}

    public mutating func id(_ text: String) -> Int64 {
        if let id = index[text] { return id }
        let id = Int64(names.count)
        names.append(text)
        bytes.append(Array(text.utf8))
        index[text] = id
        return id
    }

    /// The id of the UTF-8 text in `utf8`. A month's tallies hold a handful of channels and
    /// accounts, so a text seen before is found by comparing bytes, with no `String` built per row;
    /// past a few dozen texts a linear search would cost more than a hash, so those go by `String`.
    public mutating func id(utf8: UnsafeBufferPointer<UInt8>) -> Int64 {
        if bytes.count <= 32 {
            for i in bytes.indices where bytes[i].count == utf8.count {
                if utf8.isEmpty { return Int64(i) }
                let same = bytes[i].withUnsafeBufferPointer { memcmp($0.baseAddress!, utf8.baseAddress!, utf8.count) == 0 }
                if same { return Int64(i) }
            }
        }
        return id(String(decoding: utf8, as: UTF8.self))
    }

    /// The name of id `id` (an id this table gave).
    public func name(_ id: Int64) -> String {
        names[Int(id)]
    }
}
