import Foundation
import Testing

extension ChildServer {
    /// A database seeded with `swarmd admin` as an operator would: agents alice and bob, an admin
    /// (channels need one), `#general` with alice and bob in it, and `others` with no members.
    /// Returns alice's and bob's tokens, shown once by `admin user add`.
    static func seedAliceAndBob(db: String, others: [String] = [], environment: [String: String] = [:]) throws -> (alice: String, bob: String) {
        func token(_ output: String) throws -> String {
            String(try #require(output.split(separator: "\n").first { $0.hasPrefix("token: ") }).dropFirst(7))
        }
        let alice = try token(run(["admin", "user", "add", "alice", "--db", db], environment: environment).output)
        let bob = try token(run(["admin", "user", "add", "bob", "--db", db], environment: environment).output)
        #expect(try run(["admin", "user", "add", "root", "--role", "admin", "--db", db], environment: environment).status == 0)
        #expect(try run(["admin", "channel", "create", "general", "--members", "alice,bob", "--db", db], environment: environment).status == 0)
        for name in others { #expect(try run(["admin", "channel", "create", name, "--db", db], environment: environment).status == 0) }
        return (alice, bob)
    }
}
