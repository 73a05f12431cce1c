import Foundation
import GradeBenchCore
import Logging
import ServiceLifecycle

/// The store contract: everything GradeBench keeps, the same on SQLite and PostgreSQL.
///
/// One implementation of the contract over `SQLDriver`; the two drivers differ only in how they connect,
/// their dialect tokens and bulk loading. Every change that matters is written with its audit event in the
/// same transaction.
public final class Store: Service, Sendable {
    let driver: any SQLDriver
    public let location: StoreLocation
    let logger: Logger
    /// Tokens resolved in the last second (`tokenOwner(secret:)`).
    let tokenCache = TokenCache()

    init(driver: any SQLDriver, location: StoreLocation, logger: Logger) {
        self.driver = driver
        self.location = location
        self.logger = logger
    }

    public var dialect: SQLDialect { driver.dialect }

    /// Opens the database (creating a SQLite file on first use). Does not migrate: call `migrate()`.
    public static func open(_ location: StoreLocation, logger: Logger = Logger(label: "gradebench.store")) async throws(StoreError) -> Store
    {
        switch location {
        case .sqlite(let path):
            return Store(driver: try await SQLiteDriver.open(path: path, logger: logger), location: location, logger: logger)
        case .postgres(let postgres):
            return Store(driver: try await PostgresDriver.connect(postgres, logger: logger), location: location, logger: logger)
        }
    }

    /// Opens the store, keeps its background work running while `body` runs, then closes it.
    /// For commands; the server runs the store as a service in its `ServiceGroup` instead.
    @discardableResult
    public static func with<T: Sendable>(
        _ location: StoreLocation, logger: Logger = Logger(label: "gradebench.store"),
        _ body: @Sendable (Store) async throws -> T
    ) async throws -> T {
        let store = try await open(location, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            await store.driver.waitUntilRunning()
            do {
                let result = try await body(store)
                await store.shutdown()
                return result
            } catch {
                await store.shutdown()
                throw error
            }
        }
    }

    /// Runs the driver's background work (the PostgreSQL pool) until graceful shutdown or cancellation.
    public func run() async throws {
        try await driver.run()
        await driver.shutdown()
    }

    public func shutdown() async { await driver.shutdown() }

    /// Seconds since 1970.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// Runs `body` in a transaction, then appends `audit` as the last statement of the same transaction.
    func change<T: Sendable>(
        audit: @escaping @Sendable (T) -> AuditEntry, _ body: @Sendable (any SQLSession) async throws -> T
    ) async throws -> T {
        try await driver.withTransaction { session in
            let result = try await body(session)
            try await appendAudit(audit(result), in: session)
            return result
        }
    }

    /// `table.column, …` for a select list.
    static func qualified(_ columns: [String], of table: String) -> String {
        columns.map { "\(table).\($0)" }.joined(separator: ", ")
    }

    @discardableResult
    func read<T: Sendable>(_ body: @Sendable (any SQLSession) async throws -> T) async throws -> T {
        try await driver.withSession(body)
    }
}
