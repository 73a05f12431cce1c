import Foundation

/// The two SQL dialects GradeBench speaks. Everything else about the store is shared.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// Applies dialect tokens in schema text: `{ID}` an auto-generated 64-bit primary key, `{BLOB}` bytes.
    func ddl(_ text: String) -> String {
        switch self {
        case .sqlite:
            text.replacingOccurrences(of: "{ID}", with: "INTEGER PRIMARY KEY AUTOINCREMENT")
                .replacingOccurrences(of: "{BLOB}", with: "BLOB")
        case .postgres:
            text.replacingOccurrences(of: "{ID}", with: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
                .replacingOccurrences(of: "{BLOB}", with: "BYTEA")
        }
    }

    /// Row lock for read-then-write inside a transaction (SQLite transactions are already exclusive).
    var forUpdate: String { self == .postgres ? " FOR UPDATE" : "" }
}

/// Runs statements on one connection (inside or outside a transaction).
public protocol SQLSession: Sendable {
    @discardableResult
    func query(_ statement: SQLStatement) async throws(StoreError) -> [SQLRow]
}

extension SQLSession {
    @discardableResult
    func query(_ sql: String, _ binds: SQLValue...) async throws(StoreError) -> [SQLRow] {
        try await query(SQLStatement(sql, binds))
    }
}

/// A database connection pool (PostgreSQL) or file (SQLite). Drivers differ only here.
public protocol SQLDriver: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` on one session; statements outside a transaction commit one by one.
    func withSession<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T
    /// Runs `body` in one transaction: it commits when `body` returns and rolls back when it throws.
    func withTransaction<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T
    /// Keeps the driver's background work going until cancelled or shut down (a `Service`'s `run`).
    func run() async throws
    /// Returns once `run()` has started (for commands, which run it next to their work).
    func waitUntilRunning() async
    /// Releases connections.
    func shutdown() async
}

extension SQLDriver {
    public func waitUntilRunning() async {}
}
