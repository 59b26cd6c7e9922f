import SwarmProtocol
import SwarmStore

/// Messages posted through the same store call `message.post` uses, concurrently in chunks so
/// they share group commits (seeding is not timed).
enum Seed {
    static func messages(_ store: SQLiteStore, _ authors: [Principal], channel: String, count: Int) async throws {
        var done = 0
        while done < count {
            let chunk = min(500, count - done)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in done..<(done + chunk) {
                    group.addTask {
                        _ = try await store.post(authors[i % authors.count], MessagePostRequest(channel: channel, body: body(i)))
                    }
                }
                try await group.waitForAll()
            }
            done += chunk
        }
    }

    /// Bodies of varied length, a few long enough to wrap over several rows of a 160-column pane.
    static func body(_ i: Int) -> String {
        let base = "Order \(5000 + i % 97): customer asks where the parcel is, tracking says delivered to the neighbour."
        return i % 10 == 0 ? String(repeating: base + " ", count: 3) : base
    }
}
