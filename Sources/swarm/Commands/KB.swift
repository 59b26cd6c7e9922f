import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmTUI

/// `swarm kb …`: search and use knowledge-base articles from scripts (--json) or a shell.
struct KBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb", abstract: "Search, read, write and share knowledge-base articles.",
        subcommands: [Search.self, Show.self, List.self, Create.self, Approve.self, Share.self, Solved.self, Render.self])

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search approved articles (every word; the last also as a prefix; accents ignored).")
        @Argument(help: "Words.") var query: String
        @Option(help: "Only articles with this tag (repeatable).") var tag: [String] = []
        @Option(help: "Language code, e.g. it.") var language: String?
        @Option(help: "How many (1–100).") var limit: Int = 10
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            let request = KBSearchRequest(query: query, tags: tag.isEmpty ? nil : tag, language: language, limit: limit)
            try await CaseCommand.call(options, .kbSearch, request, as: KBSearchReply.self) { $0.results.isEmpty ? ["(no articles)"] : $0.results.map { Highlight.strip(KBPages.hitLine($0)) } }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an article (or one of its versions) with its use counts.")
        @Argument(help: "Article id (KB12).") var article: String
        @Option(help: "Version number.") var version: Int?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .kbGet, KBGetRequest(article: article, version: version), as: KBGetReply.self) { KBPages.article($0) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List articles, newest first.")
        @Option(help: "draft, approved or archived.") var state: String?
        @Option(help: "Tag.") var tag: String?
        @Option(help: "How many (1–200).") var limit: Int = 50
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            let s = try state.map { v in
                guard let s = KBState(rawValue: v) else { throw ValidationError("--state is draft, approved or archived") }
                return s
            }
            try await CaseCommand.call(options, .kbList, KBListRequest(state: s, tag: tag, limit: limit), as: KBListReply.self) { reply in
                reply.articles.map { "\($0.id) v\($0.version) [\($0.state.rawValue)] \($0.title)" }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a draft article. A BODY of - reads Markdown from standard input.")
        @Argument(help: "Title.") var title: String
        @Argument(help: "Body (Markdown) or -.") var body: String
        @Option(help: "Comma-separated tags.") var tags: String?
        @Option(help: "Language code.") var language: String = "en"
        @Flag(help: "Customer-facing (may carry a reply template).") var customer = false
        @Option(help: "Reply template with {{placeholders}}.") var replyTemplate: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            var text = body
            if text == "-" { text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
            let request = KBCreateRequest(title: title, body: text, tags: tags.map { $0.split(separator: ",").map(String.init) }, language: language,
                                          audience: customer ? .customer : .internal, replyTemplate: replyTemplate)
            try await CaseCommand.call(options, .kbCreate, request, as: Article.self) { [$0.id] }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve (or --archive) an article: editors only.")
        @Argument(help: "Article id.") var article: String
        @Flag(help: "Archive instead.") var archive = false
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .kbState, KBStateRequest(article: article, state: archive ? .archived : .approved), as: Article.self) {
                ["\($0.id) \($0.state.rawValue)"]
            }
        }
    }

    struct Share: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Share an approved article into a case thread.")
        @Argument(help: "Article id.") var article: String
        @Argument(help: "Case id.") var caseId: String
        @Option(help: "A word for the team.") var comment: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .kbShare, KBShareRequest(article: article, caseId: caseId, comment: comment), as: Message.self) { [$0.id] }
        }
    }

    struct Solved: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that an article solved a case (counted once per case).")
        @Argument(help: "Article id.") var article: String
        @Argument(help: "Case id.") var caseId: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .kbSolved, KBSolvedRequest(caseId: caseId, article: article), as: KBSolvedReply.self) {
                ["\($0.recorded ? "recorded" : "already recorded"): solved \($0.stats.solved) case(s)"]
            }
        }
    }

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fill a customer-facing article's reply template from a case.")
        @Argument(help: "Article id.") var article: String
        @Argument(help: "Case id.") var caseId: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .kbRender, KBRenderRequest(article: article, caseId: caseId), as: KBRenderReply.self) { [$0.text] }
        }
    }
}
