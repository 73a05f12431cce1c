import ArgumentParser
import GradeBenchCore
import GradeBenchServer

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Validate the policy files and show their content hashes.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate policies/*.yaml and print the policy version hash (what a DPO approves)."
        )
        @Option(help: "Folder holding the policy files.") var policies = "policies"

        func run() async throws {
            try await reportingErrors {
                let set = try PolicyFiles.load(directory: policies)
                print("Policies in \(policies) are valid.")
                for name in PolicySet.fileNames { print("  \(name)  sha256 \(set.fileHashes[name]!)") }
                print("  consent text  sha256 \(set.consent.textHash)")
                print("Policy version: \(set.hash)")
            }
        }
    }
}
