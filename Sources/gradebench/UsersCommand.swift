import ArgumentParser
import Foundation
import GradeBenchCore
import GradeBenchStore
import HummingbirdBcrypt
import Logging

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Create users, list them and revoke their API tokens.",
        subcommands: [Create.self, List.self, RevokeToken.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user and print a new API token for it, once (bootstraps the first operator).",
            discussion: "Roles: operator, school-admin, leader, dpo. School-admin and leader need --school."
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Unique user name (letters, digits, '.', '_', '@', '-').") var name: String
        @Option(help: "operator, school-admin, leader or dpo.") var role: String
        @Option(help: "URN of the user's school (school-admin and leader only).") var school: String?
        @Option(help: "Days until the token expires.") var expiresDays = 90
        @Flag(help: "Read a password for the web pages from standard input (first line).") var passwordStdin = false

        func run() async throws {
            try await reportingErrors {
                guard let role = Role(rawValue: role) else {
                    throw ValidationError("--role must be one of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                let urn: URN?
                if let school {
                    guard let parsed = URN(school) else { throw ValidationError("--school must be a six-digit URN.") }
                    urn = parsed
                } else {
                    urn = nil
                }
                guard (1...366).contains(expiresDays) else { throw ValidationError("--expires-days must be between 1 and 366.") }
                var passwordHash: String? = nil
                if passwordStdin {
                    guard let password = readLine(strippingNewline: true), password.count >= 12 else {
                        throw ValidationError("The password on standard input must be at least 12 characters.")
                    }
                    passwordHash = Bcrypt.hash(password, cost: 12)
                }
                let (user, issued) = try await Store.with(try database.location(), logger: Console.logger()) {
                    [name, expiresDays, passwordHash] store in
                    try await store.migrate()
                    let user = try await store.createUser(name: name, role: role, school: urn, passwordHash: passwordHash, actor: "cli")
                    let issued = try await store.issueToken(
                        userID: user.id, label: "created by gradebench users create", lifetime: .seconds(expiresDays * 86_400),
                        actor: "cli"
                    )
                    return (user, issued)
                }
                let expires = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(issued.record.expiresAt)))
                print("Created user \(user.name) (id \(user.id), role \(user.role.rawValue)\(user.school.map { ", school \($0)" } ?? "")).")
                print("API token id \(issued.record.id), expires \(expires). The token is shown once; store it now:")
                print(issued.secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users (never their tokens).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await reportingErrors {
                let users = try await Store.with(try database.location(), logger: Console.logger()) { store in
                    try await store.migrate()
                    return try await store.users()
                }
                print("id\tname\trole\tschool")
                for user in users { print("\(user.id)\t\(user.name)\t\(user.role.rawValue)\t\(user.school?.description ?? "-")") }
            }
        }
    }

    struct RevokeToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-token", abstract: "Revoke an API token by its id.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The token's id (as printed when it was issued).") var id: Int64

        func run() async throws {
            try await reportingErrors {
                try await Store.with(try database.location(), logger: Console.logger()) { [id] store in
                    try await store.migrate()
                    try await store.revokeToken(id: id, actor: "cli")
                }
                print("Token \(id) revoked.")
            }
        }
    }
}

extension ValidationError: GradeBenchError {
    public var code: String { "invalid_option" }
    public var message: String { description }
}
