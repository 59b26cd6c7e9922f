import ArgumentParser

@main
struct SwarmD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarmd",
        abstract: "Swarm chat server for customer-care teams.",
        subcommands: [Serve.self, Admin.self, Migrate.self],
        defaultSubcommand: Serve.self)
}
