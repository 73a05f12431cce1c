import ArgumentParser
import GradeBenchStore
import Logging

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the database schema up to this build's version (safe to run again)."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            let location = try database.location()
            let report = try await Store.with(location, logger: Console.logger()) { try await $0.migrate() }
            if report.applied == 0 {
                print("\(location): schema already at version \(report.to); nothing to do.")
            } else {
                print("\(location): schema migrated from version \(report.from) to \(report.to).")
            }
        }
    }
}
