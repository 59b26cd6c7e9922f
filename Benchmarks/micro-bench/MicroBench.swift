import Benchmark
import Foundation
import SwarmProtocol
import SwarmServer
import SwarmStore

// Micro-benchmarks that guard the server's hot paths, so a regression shows as a number
// (ordo-one/package-benchmark; Benchmarks/README.md "Micro-benchmarks of the hot paths"):
//   swift package benchmark --target micro-bench                       # run, print a table
//   swift package --allow-writing-to-package-directory benchmark --target micro-bench baseline update main
//   swift package benchmark --target micro-bench baseline check main   # non-zero exit on a regression
// Each benchmark runs in a process of its own, so each makes only the store fixtures it needs
// (`setup`). `--target micro-bench` is needed: without it the plugin takes every executable under
// Benchmarks/ (swarm-load, kb-bench, …) for a benchmark suite.
// The end-to-end numbers (fan-out, acked posts/s, idle memory) stay with swarm-load.

let benchmarks: @Sendable () -> Void = {
    // What a run on this box (two shared cores) may move without a change to the code, from
    // `baseline check` of one build against itself: pure computation ~10 % at the median, a
    // round trip through the store (its threads, the file system) 30-40 %. Allocation counts
    // hardly move: they are the tight guard (past 5 %, which for the small counts is any
    // allocation added).
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 200_000,
        thresholds: [
            .wallClock: .init(relative: [.p50: 25, .p75: 30]),
            .mallocCountTotal: .init(relative: [.p50: 5]),
        ]
    )
    let storeBound = Benchmark.Configuration(thresholds: [
        .wallClock: .init(relative: [.p50: 60, .p75: 75]),
        .mallocCountTotal: .init(relative: [.p50: 10]),
    ])

    let sample = Message(id: "M1041", channel: "C3", author: "U12", authorName: "anna", body: String(repeating: "parcel late ", count: 6),
                         thread: nil, replyCount: 0, mentions: ["U7"], createdAt: "2026-12-05T21:00:00.000Z", editedAt: nil, deleted: false)
    Benchmark("frame: encode a message.new event (payload JSON and the event frame)") { benchmark in
        for _ in benchmark.scaledIterations {
            let data = String(decoding: try JSONCoding.encoder().encode(sample), as: UTF8.self)
            blackHole(LoggedEvent(seq: 1041, type: EventName.messageNew.rawValue, channelId: 3, userId: nil, data: data).frame)
        }
    }

    let postFrame = Data(#"{"id":"r1041","op":"message.post","data":{"channel":"C3","body":"parcel late parcel late parcel late parcel late parcel late parcel late "}}"#.utf8)
    let postText = String(decoding: postFrame, as: UTF8.self)
    Benchmark("request: read a message.post frame in two passes (envelope, then data: sessions until 2026-12-07)") { benchmark in
        for _ in benchmark.scaledIterations {
            let body = Data(postText.utf8)
            blackHole(try JSONDecoder().decode(RequestEnvelope.self, from: body).op)
            blackHole(try JSONDecoder().decode(RequestData<MessagePostRequest>.self, from: body).data.body)
        }
    }

    Benchmark("request: read a message.post frame in one decoder pass (envelope and data: sessions until 2026-12-07 22:00)") { benchmark in
        for _ in benchmark.scaledIterations {
            let (envelope, post) = IncomingRequest.decoded(Data(postText.utf8))
            blackHole(envelope?.op)
            blackHole(try post?.get().body)
        }
    }

    Benchmark("request: read a message.post frame as a session does (FlatRequestScan, no decoder)") { benchmark in
        for _ in benchmark.scaledIterations {
            let request = IncomingRequest(postText)
            blackHole(request.envelope?.op)
            blackHole(try request.post?.get().body)
        }
    }

    let fanout = HubFanoutFixture(members: 1_000)
    Benchmark("hub publish: one message.new to \(fanout.members) members' queues, taken off them as the drains do") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(fanout.publishOnce()) }
    }

    Benchmark("group commit: one message.post, alone in its transaction", configuration: storeBound) { benchmark async throws in
        let f = try Fixtures.current()
        for _ in benchmark.scaledIterations {
            blackHole(try await f.store.post(f.posters[0], MessagePostRequest(channel: f.channel, body: "one post")))
        }
    } setup: { try await Fixtures.prepare([]) } teardown: { await Fixtures.release() }

    Benchmark("group commit: 64 concurrent message.post (one per poster), time for all 64", configuration: storeBound) { benchmark async throws in
        let f = try Fixtures.current()
        for _ in benchmark.scaledIterations {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for p in f.posters {
                    group.addTask { _ = try await f.store.post(p, MessagePostRequest(channel: f.channel, body: "a post among 64")) }
                }
                try await group.waitForAll()
            }
        }
    } setup: { try await Fixtures.prepare([]) } teardown: { await Fixtures.release() }

    Benchmark("kb.search: top 10 of \(Fixtures.articles) articles (queries cycled)", configuration: storeBound) { benchmark async throws in
        let f = try Fixtures.current()
        // The closure runs once per iteration: the benchmark's own count picks the query.
        let q = f.kbQueries[benchmark.currentIteration % f.kbQueries.count]
        for _ in benchmark.scaledIterations {
            blackHole(try await f.store.searchArticles(f.lead, q).results.count)
        }
    } setup: { try await Fixtures.prepare([.knowledgeBase]) } teardown: { await Fixtures.release() }

    Benchmark("case.brief: a case with \(Fixtures.briefEntries) timeline entries", configuration: storeBound) { benchmark async throws in
        let f = try Fixtures.current()
        for _ in benchmark.scaledIterations {
            blackHole(try await f.store.brief(f.lead, CaseBriefRequest(caseId: f.briefCase)).timeline.total)
        }
    } setup: { try await Fixtures.prepare([.briefCase]) } teardown: { await Fixtures.release() }
}
