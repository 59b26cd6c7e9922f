import Foundation
import Testing

/// `scripts/check-schemas.py` (JSON Schemas valid, every `$ref` resolves, every op and event
/// has its definitions) runs with the suite, so a wire change without its schema fails here.
@Suite("Protocol schemas", .hangGuard)
struct SchemaCheckTests {
    @Test("scripts/check-schemas.py exits 0", .enabled(if: BotTools.have("python3")))
    func checkSchemas() async throws {
        let probe = try await BotTools.run("python3", ["-c", "import jsonschema, referencing"])
        try #require(probe.status == 0, "check-schemas.py needs the jsonschema package: bash scripts/setup.sh (or python3 -m pip install jsonschema)\n\(probe)")
        let script = BotTools.repoRoot.appendingPathComponent("scripts/check-schemas.py").path
        let run = try await BotTools.run("python3", [script], seconds: 60)
        #expect(run.status == 0, "\(run)")
    }
}
