import ArgumentParser
import Foundation
import GradeBenchCore
import NIOHTTP1

struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Opt your school in to the collaboration, withdraw, or show the consent register.",
        subcommands: [Grant.self, Withdraw.self, Show.self]
    )

    struct Scope: ParsableArguments {
        @Option(help: "Your school's URN.") var school: String
        @Option(help: "One collection's id.") var collection: String?
        @Option(help: "Every collection of a key stage (EYFS, KS2, KS4, KS5).") var keyStage: String?

        func body(action: String, textHash: String?, reason: String?) throws -> [String: String] {
            guard (collection == nil) != (keyStage == nil) else {
                throw ValidationError("Give exactly one of --collection or --key-stage.")
            }
            var body = ["action": action]
            body["collection"] = collection
            body["keyStage"] = keyStage
            body["textHash"] = textHash
            body["reason"] = reason
            return body
        }

        var urn: String {
            get throws {
                guard URN(school) != nil else { throw ValidationError("--school must be a six-digit URN.") }
                return school
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Opt in. Without --accept, shows the consent text and its hash; re-run with --accept HASH to agree."
        )
        @OptionGroup var connection: ServerConnection
        @OptionGroup var scope: Scope
        @Option(help: "The SHA-256 of the consent text you have read and agree to.") var accept: String?

        func run() async throws {
            try await reportingErrors {
                let client = try connection.client()
                let urn = try scope.urn
                guard let accept else {
                    struct Text: Decodable {
                        let title: String
                        let text: String
                        let purposes: [String]
                        let textHash: String
                    }
                    let text = try client.decode(Text.self, try await client.send(.GET, "/v1/consent-text").body)
                    print("\(text.title)\n\n\(text.text)\nPurposes:")
                    for purpose in text.purposes { print("  - \(purpose)") }
                    print("\nTo agree on behalf of school \(urn), run this command again with --accept \(text.textHash)")
                    return
                }
                let body = try scope.body(action: "grant", textHash: accept, reason: nil)
                _ = try await client.send(.POST, "/v1/schools/\(urn)/consents", json: body)
                print("School \(urn) opted in (\(scope.collection.map { "collection \($0)" } ?? "key stage \(scope.keyStage!)")).")
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw consent (takes effect at the next publication).")
        @OptionGroup var connection: ServerConnection
        @OptionGroup var scope: Scope
        @Option(help: "Why the school is withdrawing (kept in the register).") var reason: String

        func run() async throws {
            try await reportingErrors {
                let client = try connection.client()
                let urn = try scope.urn
                _ = try await client.send(
                    .POST, "/v1/schools/\(urn)/consents", json: try scope.body(action: "withdraw", textHash: nil, reason: reason))
                print("School \(urn) withdrew consent. It takes effect at the next publication.")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the school's whole consent history.")
        @OptionGroup var connection: ServerConnection
        @Option(help: "Your school's URN.") var school: String

        func run() async throws {
            try await reportingErrors {
                guard URN(school) != nil else { throw ValidationError("--school must be a six-digit URN.") }
                let client = try connection.client()
                struct Record: Decodable {
                    let id: Int64
                    let action: String
                    let scope: String
                    let value: String
                    let textHash: String
                    let reason: String?
                    let recordedAt: String
                }
                let records = try client.decode([Record].self, try await client.send(.GET, "/v1/schools/\(school)/consents").body)
                if records.isEmpty { print("School \(school) has no consent records.") }
                for record in records {
                    print(
                        "\(record.recordedAt)  \(record.action.padding(toLength: 8, withPad: " ", startingAt: 0)) \(record.scope) \(record.value)  text \(record.textHash.prefix(12))…\(record.reason.map { "  reason: \($0)" } ?? "")"
                    )
                }
            }
        }
    }
}
