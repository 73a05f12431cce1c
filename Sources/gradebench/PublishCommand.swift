import ArgumentParser
import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a collection's benchmark snapshot under disclosure control (operator; works on the database directly).",
        discussion: """
            Merges the partial aggregates of every school with an accepted submission and consent active now, protects \
            the tables with the DPO-approved policy in --policies, checks the release guards against the collection's \
            earlier snapshots and stores an immutable snapshot. Refused, with nothing stored, when the policy version is \
            not approved or a release guard fails.
            """
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The collection's id.") var collection: String
    @Option(help: "Folder holding the policy files.") var policies = "policies"

    func run() async throws {
        FreedMemory.keepForReuse()
        try await reportingErrors {
            let set = try PolicyFiles.load(directory: policies)
            let receipt = try await Store.with(try database.location(), logger: Console.logger()) { store in
                try await store.migrate()
                return try await PublicationService(store: store, policies: set).publish(collectionID: collection, actor: "cli", userID: nil)
            }
            print(
                "Published snapshot \(receipt.snapshot) of \(receipt.collection): \(receipt.schools) schools, about \(receipt.pupils) pupils, "
                    + "\(receipt.suppressedCells) cells suppressed (policy \(receipt.policyHash)).")
        }
    }
}
