import Foundation
import GradeBenchCore
import GradeBenchStore
import Logging
import Testing

/// The databases the contract suite runs on. PostgreSQL runs when `GRADEBENCH_TEST_POSTGRES_URL` names a server
/// (the README's test command starts a throwaway one); with `GRADEBENCH_REQUIRE_POSTGRES=1` its absence fails.
public enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    static var adminURL: String? { ProcessInfo.processInfo.environment["GRADEBENCH_TEST_POSTGRES_URL"] }
    static var postgresRequired: Bool { ProcessInfo.processInfo.environment["GRADEBENCH_REQUIRE_POSTGRES"] == "1" }

    /// SQLite always; PostgreSQL when configured or required (then a missing server fails the test).
    public static var available: [TestDatabase] {
        adminURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite]
    }

    /// A fresh, empty database of this kind, dropped (or deleted) after `body`.
    public func withFreshLocation<T: Sendable>(_ body: @Sendable (StoreLocation) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("gb-test-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            return try await body(.sqlite(path: path))
        case .postgres:
            guard let admin = Self.adminURL else {
                Issue.record("GRADEBENCH_REQUIRE_POSTGRES=1 but GRADEBENCH_TEST_POSTGRES_URL is not set")
                throw CancellationError()
            }
            let name = "gb_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let adminLocation = try StoreLocation(parsing: admin)
            try await Store.with(adminLocation, logger: Self.logger) { store in try await store.createDatabase(named: name) }
            Self.markPostgresRun()
            guard case .postgres(var location) = adminLocation else { throw CancellationError() }
            location.database = name
            do {
                let result = try await body(.postgres(location))
                try await Self.drop(name, admin: adminLocation)
                return result
            } catch {
                try? await Self.drop(name, admin: adminLocation)
                throw error
            }
        }
    }

    /// A fresh, migrated store.
    public func withStore<T: Sendable>(_ body: @Sendable (Store) async throws -> T) async throws -> T {
        try await withFreshLocation { location in
            try await Store.with(location, logger: Self.logger) { store in
                try await store.migrate()
                return try await body(store)
            }
        }
    }

    public static let logger: Logger = {
        var logger = Logger(label: "gradebench.test")
        logger.logLevel = .critical
        return logger
    }()

    private static func drop(_ name: String, admin: StoreLocation) async throws {
        try await Store.with(admin, logger: logger) { store in try await store.dropDatabase(named: name) }
    }

    /// Leaves a line in `GRADEBENCH_POSTGRES_MARKER` per PostgreSQL test, so the test command can show they ran.
    private static func markPostgresRun() {
        guard let path = ProcessInfo.processInfo.environment["GRADEBENCH_POSTGRES_MARKER"] else { return }
        // "a" opens with O_APPEND: concurrent tests' one-line writes never overwrite each other.
        guard let file = fopen(path, "a") else { return }
        fputs("postgres\n", file)
        fclose(file)
    }
}
