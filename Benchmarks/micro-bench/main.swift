import Benchmark
import Foundation
import SwarmProtocol
import SwarmServer
import SwarmStore

// Micro-benchmarks that guard the server's hot paths, so a regression shows as a number:
//   swift build -c release --product micro-bench && .build/release/micro-bench [--filter REGEX]
// (google/swift-benchmark: it picks the iteration count, prints time per iteration ± spread.)
// The end-to-end numbers (fan-out, acked posts/s, idle memory) stay with swarm-load.

let fixtures = blocking { try await Fixtures.make() }
let store = fixtures.store
let sample = Message(id: "M1041", channel: "C3", author: "U12", authorName: "anna", body: String(repeating: "parcel late ", count: 6),
                     thread: nil, replyCount: 0, mentions: ["U7"], createdAt: "2026-12-05T21:00:00.000Z", editedAt: nil, deleted: false)

benchmark("frame: encode a message.new event (payload JSON and the event frame)") {
    let data = String(decoding: try JSONCoding.encoder().encode(sample), as: UTF8.self)
    blackHole(LoggedEvent(seq: 1041, type: EventName.messageNew.rawValue, channelId: 3, userId: nil, data: data).frame)
}

let postFrame = Data(#"{"id":"r1041","op":"message.post","data":{"channel":"C3","body":"parcel late parcel late parcel late parcel late parcel late parcel late "}}"#.utf8)
benchmark("request: decode a message.post frame (its envelope, then its data, as a session does)") {
    blackHole(try JSONDecoder().decode(RequestEnvelope.self, from: postFrame).op)
    blackHole(try JSONDecoder().decode(RequestData<MessagePostRequest>.self, from: postFrame).data.body)
}

benchmark("group commit: one message.post, alone in its transaction") {
    let p = fixtures.posters[0]
    blackHole(blocking { try await store.post(p, MessagePostRequest(channel: fixtures.channel, body: "one post")) })
}

benchmark("group commit: 64 concurrent message.post (one per poster), time for all 64") {
    blocking {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for p in fixtures.posters {
                group.addTask { _ = try await store.post(p, MessagePostRequest(channel: fixtures.channel, body: "a post among 64")) }
            }
            try await group.waitForAll()
        }
    }
}

let fanout = HubFanoutFixture(members: 1_000)
benchmark("hub publish: one message.new to \(fanout.members) members' queues, taken off them as the drains do") {
    blackHole(fanout.publishOnce())
}

let queryCount = fixtures.kbQueries.count
nonisolated(unsafe) var nextQuery = 0
benchmark("kb.search: top 10 of \(Fixtures.articles) articles (queries cycled)") {
    let q = fixtures.kbQueries[nextQuery % queryCount]
    nextQuery += 1
    blackHole(blocking { try await store.searchArticles(fixtures.lead, q).results.count })
}

benchmark("case.brief: a case with \(Fixtures.briefEntries) timeline entries") {
    blackHole(blocking { try await store.brief(fixtures.lead, CaseBriefRequest(caseId: fixtures.briefCase)).timeline.total })
}

Benchmark.main()
blocking { await fixtures.bench.server.stop() }
fixtures.bench.removeDatabase()
