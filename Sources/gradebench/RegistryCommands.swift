import ArgumentParser
import Foundation
import GradeBenchCore
import GradeBenchStore

struct SchoolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schools",
        abstract: "Register schools (operator; works on the database directly).",
        subcommands: [Register.self, Import.self, List.self]
    )

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register one school.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Six-digit URN.") var urn: String
        @Option(help: "School name.") var name: String
        @Option(help: "English region, e.g. 'North West'.") var region: String
        @Option(help: "School type, e.g. academy, maintained, free school.") var type: String
        @Option(help: "Phase: primary, secondary, all-through, …") var phase: String
        @Option(help: "small, medium or large.") var sizeBand: String?
        @Option(help: "low, middle or high.") var disadvantageBand: String?

        func run() async throws {
            try await reportingErrors {
                var fields = ["urn": urn, "name": name, "region": region, "type": type, "phase": phase]
                fields["size_band"] = sizeBand
                fields["disadvantage_band"] = disadvantageBand
                let school = try RegistryRules.school(fields)
                try await Store.with(try database.location(), logger: Console.logger()) { store in
                    try await store.migrate()
                    try await store.registerSchool(school, actor: "cli")
                }
                print("Registered school \(school.urn) \(school.name).")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register every school in a CSV (urn,name,region,type,phase[,size_band,disadvantage_band]); all or none."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The schools CSV.") var file: String

        func run() async throws {
            try await reportingErrors {
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("Cannot read \(file).") }
                let schools = try RegistryFiles.schools(csv: Array(data), file: file)
                try await Store.with(try database.location(), logger: Console.logger()) { store in
                    try await store.migrate()
                    try await store.registerSchools(schools, actor: "cli")
                }
                print("Registered \(schools.count) schools from \(file).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered schools.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await reportingErrors {
                let schools = try await Store.with(try database.location(), logger: Console.logger()) { store in
                    try await store.migrate()
                    return try await store.schools()
                }
                print("urn\tname\tregion\ttype\tphase")
                for s in schools { print("\(s.urn)\t\(s.name)\t\(s.region)\t\(s.type)\t\(s.phase)") }
            }
        }
    }
}

struct CollectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collections",
        abstract: "Create data collections (operator; works on the database directly).",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a collection with its submission window.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Id: lower-case letters, digits and '-', e.g. ks4-2026.") var id: String
        @Option(help: "Name shown to users.") var name: String
        @Option(help: "EYFS, KS2, KS4 or KS5.") var keyStage: String
        @Option(help: "Academic year, e.g. 2025/26.") var academicYear: String
        @Option(help: "Window opens (ISO 8601 date or date-time, UTC).") var opens: String?
        @Option(help: "Window closes (ISO 8601 date or date-time, UTC).") var closes: String?

        func run() async throws {
            try await reportingErrors {
                let collection = try RegistryRules.collection(
                    id: id, name: name, keyStage: keyStage, academicYear: academicYear, opens: opens, closes: closes
                )
                try await Store.with(try database.location(), logger: Console.logger()) { store in
                    try await store.migrate()
                    try await store.registerCollection(collection, actor: "cli")
                }
                print("Created collection \(collection.id) (\(collection.keyStage.rawValue) \(collection.academicYear)).")
            }
        }
    }
}
