import ArgumentParser
import Foundation
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import Logging

/// `--db`, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A SQLite file path, or a postgres://user:password@host:port/database URL.",
            valueName: "path-or-url"
        )
    )
    var db: String = StoreLocation.defaultSQLitePath

    func location() throws(StoreError) -> StoreLocation { try StoreLocation(parsing: db) }
}

enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data("gradebench: \(text)\n".utf8))
    }

    static let bootstrapLogging: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
            return handler
        }
    }()

    static func logger(_ label: String = "gradebench") -> Logger {
        Console.bootstrapLogging
        return Logger(label: label)
    }
}

/// Runs a command body, turning any failure into one sentence on stderr and a non-zero exit.
/// Driver and system error texts are never printed.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as any GradeBenchError {
        Console.error(error.message)
        throw ExitCode.failure
    } catch let error as ExitCode {
        throw error
    } catch is CancellationError {
        throw ExitCode.failure
    } catch {
        Console.error("unexpected failure (\(type(of: error))); run with LOG_LEVEL=debug for details.")
        throw ExitCode.failure
    }
}
