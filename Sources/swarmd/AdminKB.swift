import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmStore

/// Bulk knowledge-base import and export straight on the database file, for moving an existing
/// base (a help-centre dump, a folder of Markdown notes) into Swarm and for backups.
struct KBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kb", abstract: "Import and export knowledge-base articles.",
                                                    subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import articles from a .jsonl file or a directory of Markdown files.",
            discussion: """
                JSONL: one article per line, {"title","body","tags"?,"products"?,"language"?,"audience"?,"reply_template"?,"state"?}.
                Markdown: every *.md file; optional front matter between --- lines (title:, tags: a, b, language:, audience:, state:),
                else the first "# Heading" is the title (the file name when there is none). Bad lines or files are reported on
                stderr and skipped; the exit status is 1 when any was skipped.
                """)
        @OptionGroup var options: ConfigOptions
        @Argument(help: "A .jsonl file or a directory of .md files.") var path: String
        @Option(help: "Author of the imported articles (default: the first admin).") var author: String?
        @Option(help: "State of articles that do not name one: approved or draft.") var state: String = "approved"

        func run() async throws {
            guard let defaultState = KBState(rawValue: state), defaultState != .archived else { throw ValidationError("--state is approved or draft") }
            let parsed = try KBSource.read(path)
            var skipped = parsed.failures
            let store = try await options.openStore()
            let result: KBImportResult
            let start = ContinuousClock.now
            do {
                let principal = try await Self.author(store, author)
                result = try await store.importArticles(parsed.records.map(\.record), author: principal, state: defaultState)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            let elapsed = ContinuousClock.now - start
            skipped += result.rejected.map { (parsed.records[$0.index].origin, $0.reason) }
            // Input order, so a long report reads top to bottom like the file.
            for (origin, reason) in skipped.sorted(by: { $0.0.order < $1.0.order }) {
                FileHandle.standardError.write(Data("\(origin.label): \(reason)\n".utf8))
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("imported \(result.imported), skipped \(skipped.count)" + (result.imported > 0 ? String(format: " (%.2f s, %.0f articles/s)", seconds, Double(result.imported) / max(seconds, 1e-9)) : ""))
            if !skipped.isEmpty { throw ExitCode(1) }
        }

        /// `--author` by name or id, else the first admin (as `channel create` picks its owner).
        static func author(_ store: SQLiteStore, _ name: String?) async throws -> Principal {
            let users = try await store.listUsers()
            guard let user = name.map({ n in users.first { $0.name == n || $0.id == n } }) ?? users.first(where: { $0.role == .admin }) else {
                throw ValidationError(name == nil ? "no admin user exists; add one with: swarmd admin user add NAME --role admin" : "no such user \(name!)")
            }
            return try await store.principal(user.id)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every article (current version, with id and state) as JSONL.")
        @OptionGroup var options: ConfigOptions
        @Option(help: "Output file (default: standard output).") var out: String?

        func run() async throws {
            let handle: FileHandle
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: nil) else { throw ValidationError("cannot write \(out)") }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            } else {
                handle = FileHandle.standardOutput
            }
            let store = try await options.openStore()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var after: Int64 = 0
            var count = 0
            do {
                // Pages by id, so a large base never sits in memory at once.
                while true {
                    let page = try await store.exportArticles(after: after, limit: 1_000)
                    guard let last = page.last else { break }
                    var chunk = Data()
                    for record in page {
                        chunk.append(try encoder.encode(record))
                        chunk.append(0x0A)
                    }
                    handle.write(chunk)
                    count += page.count
                    after = Int64(last.id?.drop { $0.isLetter } ?? "") ?? after
                }
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            if out != nil {
                try handle.close()
                print("exported \(count) article(s) to \(out!)")
            }
        }
    }
}
