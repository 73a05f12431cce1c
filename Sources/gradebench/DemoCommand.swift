import ArgumentParser
import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import Hummingbird
import Logging

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a demo: a fresh SQLite database with the committed synthetic fixtures and demo users.",
        discussion: "Prints the server URL and one API token per demo role, then serves until Ctrl-C."
    )

    @Option(help: "Demo SQLite file (deleted and re-created on every run).") var db = "gradebench-demo.sqlite"
    @Option(help: "Folder of fixtures written by 'gradebench fixtures generate'.") var fixtures = "fixtures/demo"
    @OptionGroup var server: ServerOptions

    func run() async throws {
        try await reportingErrors {
            let logger = Console.logger()
            let policies = try PolicyFiles.load(directory: server.policies)
            let keys = try SecretsFile.loadOrCreate(path: server.secrets)
            let schools = try RegistryFiles.schools(csv: try read("schools.csv"), file: "\(fixtures)/schools.csv")
            let collections = try RegistryFiles.collections(csv: try read("collections.csv"), file: "\(fixtures)/collections.csv")
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }

            let location = StoreLocation.sqlite(path: db)
            let store = try await Store.open(location, logger: logger)
            let demoSchool = schools.first!
            // SQLite needs no background service, so the app's own store loads the fixtures before the server starts
            // (one connection to the demo file, not two).
            let (tokens, submitted) = try await load(
                store: store, schools: schools, collections: collections, demoSchool: demoSchool, policies: policies, keys: keys
            )
            let app = GradeBenchApp.build(
                store: store, policies: policies, keys: keys, configuration: server.configuration,
                logger: logger
            ) { [server] port in
                var text = "\nGradeBench demo is running at http://\(server.host):\(port)\n"
                text +=
                    "Database: \(db) (SQLite), \(schools.count) synthetic schools, \(collections.count) collections, \(submitted) submissions, each collection published.\n"
                text += "Demo API tokens (valid 7 days):\n"
                for (role, token) in tokens { text += "  \(role.padding(toLength: 30, withPad: " ", startingAt: 0)) \(token)\n" }
                text += "Try: curl -H 'Authorization: Bearer \(tokens[0].1)' http://\(server.host):\(port)/v1/me\n"
                text += "     curl -H 'Authorization: Bearer \(tokens[3].1)' "
                text += "'http://\(server.host):\(port)/v1/schools/\(demoSchool.urn)/comparison?collection=\(collections[0].id)&group=all'\n"
                text += "Stop with Ctrl-C.\n"
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            try await GradeBenchApp.run(app, store: store)
        }
    }

    /// Registers the fixture schools and collections, opts every school in and submits its files through the API's own
    /// pipeline, and creates one demo user (and token) per role.
    private func load(
        store: Store, schools: [School], collections: [GradeCollection], demoSchool: School, policies: PolicySet, keys: ServerKeys
    ) async throws -> (tokens: [(String, String)], submitted: Int) {
        try await store.migrate()
        try await store.registerSchools(schools, actor: "cli")
        for collection in collections { try await store.registerCollection(collection, actor: "cli") }
        // Every fixture school opts in and submits its files, through the same pipeline as the API.
        let service = SubmissionService(store: store, keys: keys)
        var submitted = 0
        let now = Int64(Date().timeIntervalSince1970)
        for collection in collections {
            for school in schools {
                let path = (fixtures as NSString).appendingPathComponent("\(collection.id)/\(school.urn).csv")
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                _ = try await store.recordConsent(
                    school: school.urn, action: .grant, scope: .collection(collection.id), textHash: policies.consent.textHash,
                    reason: nil, userID: nil, actor: "cli"
                )
                _ = try await service.submit(
                    body: Array(data), collectionID: collection.id, school: school.urn, idempotencyKey: nil, actor: "cli",
                    userID: nil, now: now
                )
                submitted += 1
            }
        }
        var tokens: [(String, String)] = []
        var users: [Role: User] = [:]
        for (name, role, urn) in [
            ("demo-operator", Role.operator, URN?.none), ("demo-dpo", .dpo, nil),
            ("demo-admin", .schoolAdmin, demoSchool.urn), ("demo-leader", .leader, demoSchool.urn),
        ] {
            let user = try await store.createUser(name: name, role: role, school: urn, passwordHash: nil, actor: "cli")
            users[role] = user
            let issued = try await store.issueToken(userID: user.id, label: "demo", lifetime: .seconds(7 * 86_400), actor: "cli")
            tokens.append(("\(role.rawValue)\(urn.map { " (school \($0))" } ?? "")", issued.secret))
        }
        // The demo DPO approves the policy and the operator publishes each collection, so that a leader's comparison
        // and the benchmarks answer at once (a real deployment publishes when a collection's window closes).
        _ = try await store.approvePolicy(hash: policies.hash, userID: users[.dpo]!.id, actor: "demo-dpo")
        let publication = PublicationService(store: store, policies: policies)
        for collection in collections {
            _ = try await publication.publish(collectionID: collection.id, actor: "demo-operator", userID: users[.operator]!.id)
        }
        return (tokens, submitted)
    }

    private func read(_ name: String) throws -> [UInt8] {
        let path = (fixtures as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Fixture file \(path) is missing; run from the repository root or pass --fixtures.")
        }
        return Array(data)
    }
}
