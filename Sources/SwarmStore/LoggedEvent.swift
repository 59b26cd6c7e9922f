import Foundation
import SwarmCore
import SwarmProtocol

/// One row of the durable event log, as it is fanned out. `data` is the JSON payload text, so the
/// hub can build a frame by concatenation instead of re-encoding it for every recipient.
public struct LoggedEvent: Sendable, Equatable {
    public var seq: Int64
    public var type: String
    /// Events with a channel are visible to its members.
    public var channelId: Int64?
    /// Events with a user are visible to that user (also, for member events, the subject).
    public var userId: Int64?
    public var data: String
    /// Set on events about a case (`case.updated`, `case.handoff`) as they are published live: each
    /// recipient gets the event only if `CaseVisibility` lets them see the case. Not stored; a
    /// replay asks the rule again with what is true at replay time.
    public var caseAudience: CaseAudience?

    /// `{"ev":…,"seq":…,"data":…}` ready to send.
    public var frame: String {
        "{\"ev\":\"\(type)\",\"seq\":\(seq),\"data\":\(data)}"
    }

    init(row: SQLRow) {
        seq = row["seq"]
        type = row["type"]
        channelId = row["channel_id"]
        userId = row["user_id"]
        data = row["data"]
    }

    public init(seq: Int64, type: String, channelId: Int64?, userId: Int64?, data: String, caseAudience: CaseAudience? = nil) {
        self.seq = seq
        self.type = type
        self.channelId = channelId
        self.userId = userId
        self.data = data
        self.caseAudience = caseAudience
    }
}

/// The facts about a case that do not depend on the reader, taken when its event is logged. With
/// the reader's membership of `channelId` (which the hub tracks) they make `CaseVisibility.Facts`.
public struct CaseAudience: Sendable, Equatable {
    public var caseId: Int64
    public var channelId: Int64
    public var channelKind: ChannelKind
    public var channelName: String
    /// Users swarmed into the case.
    public var swarmed: Set<Int64>

    public init(caseId: Int64, channelId: Int64, channelKind: ChannelKind, channelName: String, swarmed: Set<Int64>) {
        self.caseId = caseId
        self.channelId = channelId
        self.channelKind = channelKind
        self.channelName = channelName
        self.swarmed = swarmed
    }

    /// May this reader, a member of the case's channel or not, see the case?
    public func admits(_ reader: CaseVisibility.Reader, user: Int64, isMember: Bool) -> Bool {
        CaseVisibility.maySee(reader, CaseVisibility.Facts(channelKind: channelKind, channelName: channelName,
                                                           isMember: isMember, isSwarmed: swarmed.contains(user)))
    }
}

/// The open write transaction handed to each job. Not Sendable: it lives on the writer queue.
public final class WriteTx {
    public let db: SQLDB
    var events: [LoggedEvent] = []
    let encoder: JSONEncoder
    /// The triage score's rules (`SQLiteStore.configureQueue`), for re-scoring a case as it changes.
    /// (Set by the group committer for each batch; the default is built once, not per batch:
    /// normalizing its word lists was ~1 % of the post writer's time.)
    var queueRules = WriteTx.defaultQueueRules
    static let defaultQueueRules = QueueRules()
    /// Cases this job changed; their report rollups are recomputed before the job ends (`ReportRollups`).
    var reportCases = Set<Int64>()
    /// PostgreSQL: the log head as this transaction has moved it. The group committer reads it
    /// under the head row's lock at the batch's start and writes it back once before the commit,
    /// so each append is one pipelined INSERT instead of a waited statement that also updates
    /// the head row (whose versions piled up within the batch). Nil: each append moves the row.
    var logHead: Int64?
    /// PostgreSQL: a checked job runs in a savepoint shared with its neighbours, which is rolled
    /// back and each job run again alone (not optimistic) if anything in it fails. A job may then
    /// write without waiting for its reads, with its conditions inside its statements
    /// (`SQLDB.executePipelined(_:_:expectingRows:)`), as a failed condition only sends it down
    /// the waiting path. Never set on SQLite, where a read costs no round trip.
    var optimistic = false
    /// PostgreSQL, while `optimistic`: ids drawn for the shared savepoint's posts
    /// (`PostgresMessageIds`), and how many to draw when the first is wanted.
    var messageIds: ArraySlice<Int64> = []
    var messageIdsWanted = 0
    /// Jobs this batch ran again alone after their shared savepoint failed (`GroupCommitter.reruns`).
    var reruns = 0
    /// PostgreSQL, while `optimistic`: rows of the shared savepoint's posts and the events of its
    /// jobs, sent as a few multi-row statements when its jobs are done (`PendingPostRows`).
    var pendingPosts = PendingPostRows()

    init(db: SQLDB, encoder: JSONEncoder) {
        self.db = db
        self.encoder = encoder
    }

    /// The next drawn message id while `optimistic` (drawing the group's ids first); nil otherwise.
    func drawnMessageId() throws -> Int64? {
        guard optimistic else { return nil }
        if messageIds.isEmpty, messageIdsWanted > 0 {
            messageIds = try PostgresMessageIds.draw(db, count: messageIdsWanted)[...]
            messageIdsWanted = 0
        }
        return messageIds.popFirst()
    }

    /// Marks a case whose report rollups must be recomputed (a contact, status, hand-off or owner changed).
    func touchReport(_ caseId: Int64) { reportCases.insert(caseId) }

    /// Appends an event to the log in this transaction; it is fanned out after the commit.
    @discardableResult
    func append<T: Encodable>(_ name: EventName, channel: Int64?, user: Int64?, message: Int64? = nil, audience: CaseAudience? = nil,
                              _ payload: T) throws -> LoggedEvent {
        let data = String(decoding: try encoder.encode(payload), as: UTF8.self)
        return try append(name, channel: channel, user: user, message: message, audience: audience, json: data, at: Timestamp.now())
    }

    /// Appends an event whose payload is JSON already (encoded outside the writer).
    @discardableResult
    func append(_ name: EventName, channel: Int64?, user: Int64?, message: Int64? = nil, audience: CaseAudience? = nil,
                json data: String, at: String) throws -> LoggedEvent {
        let seq = try insertEvent(type: name.rawValue, channel: channel, user: user, message: message, data: data, at: at)
        let event = LoggedEvent(seq: seq, type: name.rawValue, channelId: channel, userId: user, data: data, caseAudience: audience)
        events.append(event)
        return event
    }
}

extension WriteTx {
    /// Writes one log entry and returns its seq.
    func insertEvent(type: String, channel: Int64?, user: Int64?, message: Int64?, data: String, at: String) throws -> Int64 {
        if db.dialect == .postgres, let head = logHead {
            // The head row is locked by this transaction (see `logHead`): the next seq is ours.
            let seq = head + 1
            logHead = seq
            let row: SQLArguments = [seq, type, channel, user, message, data, at]
            if optimistic {
                // Sent with the shared savepoint's posts (`PendingPostRows`): nothing in it reads the log.
                pendingPosts.addEvent(row.values)
            } else {
                try db.executePipelined(PendingPostRows.eventInsert, row)
            }
            return seq
        }
        switch db.dialect {
        case .sqlite:
            // One writer per database file: AUTOINCREMENT numbers in commit order.
            try db.execute("INSERT INTO events(type, channel_id, user_id, message_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           [type, channel, user, message, data, at])
            return try db.lastInsertedRowID
        case .postgres:
            // Several nodes write at once: the head row's lock (taken at the batch's start, see
            // GroupCommitter) is held to the commit, so seq grows in commit order. A sequence would
            // not: a reader could see 11 committed before 10 and never look back for 10.
            guard let seq = try db.fetchOne(Int64.self, """
                WITH head AS (UPDATE event_head SET seq = seq + 1 WHERE id = 1 RETURNING seq)
                INSERT INTO events(seq, type, channel_id, user_id, message_id, data, created_at)
                VALUES ((SELECT seq FROM head), ?, ?, ?, ?, ?, ?) RETURNING seq
                """, [type, channel, user, message, data, at]) else { throw SQLUnavailable("event log head missing") }
            return seq
        }
    }
}

package enum JSONCoding {
    package static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }
}
