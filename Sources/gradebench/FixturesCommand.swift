import ArgumentParser
import Foundation
import GradeBenchCore

struct FixturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Synthetic, deterministic test data (never real pupils).",
        subcommands: [Generate.self]
    )

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write synthetic schools and one pseudonymised submission CSV per school and collection.",
            discussion: """
                Writes DIR/schools.csv, DIR/collections.csv and DIR/<collection>/<URN>.csv for a KS4 (GCSE),
                a KS5 (A level) and a KS2 collection. The same --schools and --seed always give the same bytes.
                """
        )

        @Option(help: "Number of schools.") var schools: Int
        @Option(help: "Seed for the generator.") var seed: UInt64 = 1
        @Option(help: "Output folder (created if missing).") var out: String

        func run() async throws {
            try await reportingErrors {
                guard (1...20_000).contains(schools) else { throw ValidationError("--schools must be between 1 and 20000.") }
                let generator = FixtureGenerator(schools: schools, seed: seed)
                let root = URL(fileURLWithPath: out)
                try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
                var schoolsCSV = CSVWriter.line(FixtureSchool.csvHeader)
                for school in generator.schools { schoolsCSV += CSVWriter.line(school.csvFields) }
                try Data(schoolsCSV.utf8).write(to: root.appendingPathComponent("schools.csv"))
                var collectionsCSV = CSVWriter.line(FixtureCollection.csvHeader)
                for collection in generator.collections { collectionsCSV += CSVWriter.line(collection.csvFields) }
                try Data(collectionsCSV.utf8).write(to: root.appendingPathComponent("collections.csv"))
                var files = 0
                var rows = 0
                for collection in generator.collections {
                    let folder = root.appendingPathComponent(collection.id)
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    for school in generator.schools(in: collection) {
                        let csv = generator.submission(for: school, in: collection)
                        rows += csv.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } - 1
                        try Data(csv.utf8).write(to: folder.appendingPathComponent("\(school.urn).csv"))
                        files += 1
                    }
                }
                print("Wrote \(schools) schools, \(files) submission files, \(rows) grade rows to \(out) (seed \(seed)).")
            }
        }
    }
}
