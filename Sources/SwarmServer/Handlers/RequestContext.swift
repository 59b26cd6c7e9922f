import Foundation
import SwarmProtocol
import SwarmStore

/// One authenticated request being handled.
struct RequestContext: Sendable {
    let core: ServerCore
    let conn: Connection
    let principal: Principal
    let id: String
    /// The request frame (decoded per op by `decode`).
    let text: String
    /// A `message.post`'s data as the loop decoded it with the envelope (`IncomingRequest.post`).
    var post: Result<MessagePostRequest, any Error>? = nil

    var store: SQLiteStore { core.store }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == MessagePostRequest.self, let post { return try post.get() as! T }
        return try JSONDecoder().decode(RequestData<T>.self, from: Data(text.utf8)).data
    }

    func reply<T: Encodable & Sendable>(_ value: T) -> String { Wire.reply(id, value) }
}

typealias OpHandler = @Sendable (RequestContext) async throws -> String

/// The dispatch table: one entry per op, filled from one file per op family.
enum Handlers {
    static let table: [Op: OpHandler] = {
        var t: [Op: OpHandler] = [:]
        SessionOps.register(&t)
        UserOps.register(&t)
        ChannelOps.register(&t)
        MessageOps.register(&t)
        CustomerOps.register(&t)
        CaseOps.register(&t)
        QueueOps.register(&t)
        KBOps.register(&t)
        InboxOps.register(&t)
        CareOps.register(&t)
        ReportOps.register(&t)
        return t
    }()
}
