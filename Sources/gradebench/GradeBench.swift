import ArgumentParser

@main
struct GradeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradebench",
        abstract: "Anonymised grade benchmarking between schools.",
        discussion: """
            Opted-in schools pool pseudonymised grades; GradeBench publishes national-style benchmarks under
            disclosure control, and each school sees its own results next to them.
            """,
        subcommands: [
            ServeCommand.self, DemoCommand.self, MigrateCommand.self, UsersCommand.self, SchoolsCommand.self,
            CollectionsCommand.self, ConsentCommand.self, KeygenCommand.self, PseudonymiseCommand.self, SubmitCommand.self,
            CheckCommand.self, PublishCommand.self, FixturesCommand.self, PolicyCommand.self, AuditCommand.self,
        ]
    )
}
