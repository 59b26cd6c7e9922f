import ArgumentParser
import SwarmProtocol
import SwarmTUI

/// `swarm customer …`: find customers, attach the handles they use elsewhere, merge duplicate
/// profiles, read a customer's history across channels.
struct CustomerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer", abstract: "Find, show, attach handles to, merge and read the timeline of customers.",
        subcommands: [Find.self, Show.self, Attach.self, Merge.self, Timeline.self])

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Find customers by handle (whatsapp:+39…), crm:ID, customer id (CU12) or name.")
        @Argument(help: "channel:handle, crm:ID, CU12 or words of the name.") var who: [String]
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .customerFind, CustomerLookup.request(who.joined(separator: " ")), as: CustomerFindReply.self) {
                $0.customers.isEmpty ? ["(no customers)"] : $0.customers.map(CustomerPages.summary)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one customer: profile and identities.")
        @Argument(help: "CU12, channel:handle or crm:ID.") var who: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await options.withSession { session in
                let (_, reply) = try await session.call(.customerFind, CustomerLookup.request(who), as: CustomerFindReply.self)
                guard let first = reply.customers.first else { throw CLIError(.notFound, "no customer matches \(who)") }
                if options.json { Output.json(try JSONValue.from(first)) } else { CustomerPages.show(first).forEach(Output.line) }
            }
        }
    }

    struct Attach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add handles (twitter:@maria, email:…) to a customer.",
            discussion: "A handle that already belongs to another customer is refused (conflict, exit 1): merge the two profiles instead.")
        @Argument(help: "Customer id (CU12).") var customer: String
        @Argument(help: "One or more channel:handle.") var handles: [String]
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            let identities = try handles.map { h in
                guard let identity = CustomerLookup.identity(h) else { throw ValidationError("\(h) is not channel:handle (twitter, whatsapp, email, phone, …)") }
                return identity
            }
            try await CaseCommand.call(options, .customerUpdate, CustomerUpdateRequest(customer: customer, addIdentities: identities), as: Customer.self) {
                CustomerPages.show($0)
            }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fold one customer profile into another (leads and admins).",
                                                        discussion: "FROM's identities, cases and timeline move to INTO; FROM's id keeps resolving to INTO.")
        @Argument(help: "The surviving customer (CU4).") var into: String
        @Argument(help: "The customer folded into it (CU9).") var from: String
        @Option(help: "Why (kept in the audit record).") var reason: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .customerMerge, CustomerMergeRequest(into: into, from: from, reason: reason), as: Customer.self) {
                ["merged \(from) into " + CustomerPages.summary($0)]
            }
        }
    }

    struct Timeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A customer's history across channels and cases, oldest first.")
        @Argument(help: "Customer id (CU12).") var customer: String
        @Option(help: "How many of the newest entries (1–500).") var limit: Int = 100
        @Option(help: "Entries older than this timeline id (TL80).") var before: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .customerTimeline, CustomerTimelineRequest(customer: customer, before: before, limit: limit), as: TimelinePage.self) {
                CustomerPages.timeline(customer, $0)
            }
        }
    }
}
