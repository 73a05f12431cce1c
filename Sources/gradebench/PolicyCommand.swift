import ArgumentParser
import GradeBenchCore
import GradeBenchServer
import NIOHTTP1

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Validate the policy files, show their content hashes, and approve a policy version (DPO).",
        subcommands: [Check.self, Approve.self]
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

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the policy version the server runs (DPO token); publication uses only an approved version."
        )
        @OptionGroup var connection: ServerConnection
        @Argument(help: "The policy version hash you reviewed (gradebench policy check prints it).") var hash: String

        func run() async throws {
            try await reportingErrors {
                let client = try connection.client()
                _ = try await client.send(.POST, "/v1/policies/\(hash.lowercased())/approval")
                print("Policy version \(hash.lowercased()) approved.")
            }
        }
    }
}
