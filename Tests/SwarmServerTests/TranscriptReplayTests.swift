import Foundation
import SwarmProtocol
import Testing

/// Replays every protocol/examples/*.jsonl against a live in-process swarmd, so the spec's examples
/// and the server cannot drift apart. The transcript format is defined in protocol/PROTOCOL.md.
@Suite("Protocol example transcripts", .hangGuard)
struct TranscriptReplayTests {
    static let required = [
        "hello.jsonl", "channels-and-messages.jsonl", "threads-and-edits.jsonl", "errors.jsonl",
        "resume.jsonl", "idempotency.jsonl", "unread-and-search.jsonl",
        "customers.jsonl", "cases.jsonl", "swarm-and-handoff.jsonl", "kb.jsonl", "kb-capture.jsonl",
        "case-privacy.jsonl", "case-take.jsonl", "inbox.jsonl", "intake-signals.jsonl", "care.jsonl", "sla.jsonl", "duplicates-and-topics.jsonl",
        "queue.jsonl", "reports.jsonl",
    ]

    @Test("the examples directory holds the required transcripts")
    func requiredTranscriptsExist() {
        let found = Set(Transcript.fileNames())
        for name in Self.required {
            #expect(found.contains(name), "missing protocol/examples/\(name)")
        }
    }

    @Test("replay", arguments: Transcript.fileNames())
    func replay(_ file: String) async throws {
        do {
            let transcript = try Transcript.load(file)
            try await withServer(configure: { config in
                if let toml = transcript.configTOML { try? config.apply(toml: toml, source: file) }
            }) { server in
                var tokens: [String: String] = [:]
                for user in transcript.users {
                    tokens[user.name] = try await server.user(user.name, role: user.role, skills: user.skills)
                }
                var runner = TranscriptRunner(transcript: transcript, url: server.url, tokens: tokens)
                try await runner.run()
            }
        } catch let failure as TranscriptFailure {
            // Reported at the transcript's line, so an editor jumps to the example that drifted.
            let path = Transcript.examplesDirectory.appendingPathComponent(file).path
            Issue.record(Comment(rawValue: failure.description),
                         sourceLocation: SourceLocation(fileID: "examples/\(file)", filePath: path, line: failure.line, column: 1))
        }
    }
}
