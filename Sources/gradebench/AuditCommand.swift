import ArgumentParser
import GradeBenchCore
import GradeBenchStore
import Logging

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Inspect the append-only, hash-chained audit log.",
        subcommands: [Verify.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every link of the audit chain, end to end.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await reportingErrors {
                let result = try await Store.with(try database.location(), logger: Console.logger()) { store in
                    try await store.migrate()
                    return try await store.verifyAudit()
                }
                switch result {
                case .intact(let events, let head):
                    print("Audit log intact: \(events) events, head \(head).")
                case .broken(let sequence, let reason):
                    Console.error("audit log broken at event \(sequence): \(reason).")
                    throw ExitCode.failure
                }
            }
        }
    }
}
