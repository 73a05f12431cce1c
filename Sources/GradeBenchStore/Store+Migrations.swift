import GradeBenchCore
import Logging

/// Result of `migrate()`.
public struct MigrationReport: Sendable, Equatable {
    public let from: Int
    public let to: Int
    public var applied: Int { to - from }
}

extension Store {
    /// The schema version this build knows.
    public static var latestSchemaVersion: Int { Migrations.latestVersion }

    /// The database's recorded schema version (0 for a new database).
    public func schemaVersion() async throws -> Int {
        try await read { session in
            try await session.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
            let rows = try await session.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            return Int(try rows[0].int(0))
        }
    }

    /// Applies every migration not yet applied, each in its own transaction. Refuses, changing nothing,
    /// when the database is newer than this build.
    @discardableResult
    public func migrate() async throws -> MigrationReport { try await migrate(through: Migrations.latestVersion) }

    /// Applies the migrations up to `version` (tests build older layouts with it).
    @discardableResult
    func migrate(through version: Int) async throws -> MigrationReport {
        let start = try await schemaVersion()
        guard start <= Migrations.latestVersion else {
            throw StoreError.schemaTooNew(found: start, known: Migrations.latestVersion)
        }
        guard !Migrations.retiredVersions.contains(start) else { throw StoreError.schemaRetired(found: start) }
        for migration in Migrations.all where migration.version > start && migration.version <= version {
            try await driver.withTransaction { session in
                if driver.dialect == .postgres {
                    // Two processes migrating at once: the second waits, then sees the work done.
                    try await session.query("SELECT pg_advisory_xact_lock(7240417)")
                }
                let current = try await session.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                guard try current[0].int(0) < migration.version else { return }
                for statement in migration.statements(for: driver.dialect) {
                    try await session.query(SQLStatement(statement))
                }
                try await migration.convert?(session)
                for statement in migration.finish {
                    try await session.query(SQLStatement(statement))
                }
                try await session.query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    .int(migration.version), .text(migration.name), .int(Store.now())
                )
            }
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
        }
        return MigrationReport(from: start, to: max(start, version))
    }
}
