import Foundation
import GRDB
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

    /// `{"ev":…,"seq":…,"data":…}` ready to send.
    public var frame: String {
        "{\"ev\":\"\(type)\",\"seq\":\(seq),\"data\":\(data)}"
    }

    init(row: Row) {
        seq = row["seq"]
        type = row["type"]
        channelId = row["channel_id"]
        userId = row["user_id"]
        data = row["data"]
    }

    public init(seq: Int64, type: String, channelId: Int64?, userId: Int64?, data: String) {
        self.seq = seq
        self.type = type
        self.channelId = channelId
        self.userId = userId
        self.data = data
    }
}

/// The open write transaction handed to each job. Not Sendable: it lives on the writer queue.
public final class WriteTx {
    public let db: Database
    var events: [LoggedEvent] = []
    let encoder: JSONEncoder

    init(db: Database, encoder: JSONEncoder) {
        self.db = db
        self.encoder = encoder
    }

    /// Appends an event to the log in this transaction; it is fanned out after the commit.
    @discardableResult
    func append<T: Encodable>(_ name: EventName, channel: Int64?, user: Int64?, message: Int64? = nil, _ payload: T) throws -> LoggedEvent {
        let data = String(decoding: try encoder.encode(payload), as: UTF8.self)
        try db.cachedStatement(sql: "INSERT INTO events(type, channel_id, user_id, message_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)").execute(arguments: [name.rawValue, channel, user, message, data, Timestamp.now()])
        let event = LoggedEvent(seq: db.lastInsertedRowID, type: name.rawValue, channelId: channel, userId: user, data: data)
        events.append(event)
        return event
    }
}

enum JSONCoding {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }
}
