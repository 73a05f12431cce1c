import Foundation
import Logging
import SQLiteNIO
import ServiceLifecycle

/// SQLite in one file through one connection. Sessions and transactions take turns (an async lock), which is
/// what SQLite's single writer needs anyway; WAL mode keeps readers of other processes unblocked.
final class SQLiteDriver: SQLDriver {
    let dialect = SQLDialect.sqlite
    private let connection: SQLiteConnection
    private let lock = AsyncLock()
    private let logger: Logger

    private init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Last resort when a store is dropped without `shutdown()` (a service group that failed before starting it):
    /// the close keeps the connection alive until it has run.
    deinit {
        if !connection.isClosed { _ = connection.close() }
    }

    static func open(path: String, logger: Logger) async throws(StoreError) -> SQLiteDriver {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            throw .invalidLocation("The folder for the SQLite database (\(directory)) does not exist.")
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw .unavailable("The SQLite database at \(path) could not be opened.")
        }
        let driver = SQLiteDriver(connection: connection, logger: logger)
        let session = SQLiteSession(connection: connection, logger: logger)
        do {
            try await session.query("PRAGMA foreign_keys = ON")
            try await session.query("PRAGMA busy_timeout = 5000")
            try await session.query("PRAGMA journal_mode = WAL")
            try await session.query("PRAGMA synchronous = NORMAL")
        } catch {
            try? await connection.close()
            throw .unavailable("The file at \(path) is not a usable SQLite database.")
        }
        return driver
    }

    func withSession<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        await lock.lock()
        defer { lock.unlock() }
        return try await body(SQLiteSession(connection: connection, logger: logger))
    }

    func withTransaction<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        await lock.lock()
        defer { lock.unlock() }
        let session = SQLiteSession(connection: connection, logger: logger)
        try await session.query("BEGIN IMMEDIATE")
        do {
            let result = try await body(session)
            try await session.query("COMMIT")
            return result
        } catch {
            _ = try? await session.query("ROLLBACK")
            throw error
        }
    }

    /// SQLite has no background work: wait until the service group shuts down or the task is cancelled.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(for: .seconds(365 * 24 * 3600))
        }
    }

    func shutdown() async {
        await lock.lock()
        defer { lock.unlock() }
        if !connection.isClosed { try? await connection.close() }
    }
}

struct SQLiteSession: SQLSession {
    let connection: SQLiteConnection
    let logger: Logger

    func query(_ statement: SQLStatement) async throws(StoreError) -> [SQLRow] {
        let binds = statement.binds.map { value -> SQLiteData in
            switch value {
            case .null: .null
            case .int(let int): .integer(SQLiteInt64(int))
            case .double(let double): .float(double)
            case .text(let text): .text(text)
            case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
            }
        }
        do {
            let rows = try await connection.query(Self.positional(statement.sql), binds)
            return rows.map { row in
                SQLRow(
                    values: row.columns.map { column in
                        switch column.data {
                        case .null: .null
                        case .integer(let int): .int(Int64(int))
                        case .float(let double): .double(double)
                        case .text(let text): .text(text)
                        case .blob(let buffer): .blob(Array(buffer.readableBytesView))
                        }
                    }
                )
            }
        } catch let error as SQLiteError {
            throw Self.map(error, logger: logger)
        } catch {
            throw StoreError.failed("run a statement")
        }
    }

    /// `$1` → `?1`: SQLite binds `?NNN` by position, as PostgreSQL binds `$NNN`.
    static func positional(_ sql: String) -> String {
        guard sql.contains("$") else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count)
        var iterator = sql.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            guard character == "$" else {
                out.append(character)
                continue
            }
            var digits = ""
            while let next = iterator.next() {
                if next.isASCII && next.isNumber { digits.append(next) } else { pending = next; break }
            }
            out += digits.isEmpty ? "$" : "?" + digits
        }
        return out
    }

    static func map(_ error: SQLiteError, logger: Logger) -> StoreError {
        switch error.reason {
        case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
            return .conflict("A record with the same key already exists.")
        case .constraintForeignKeyFailed:
            return .notFound("A record this change refers to does not exist.")
        case .constraintTriggerFailed:
            return .rejected("The database refused the change: the table is append-only or immutable.")
        case .constraint:
            // Older builds report only the primary code; the message names the kind of constraint.
            if error.message.contains("UNIQUE") { return .conflict("A record with the same key already exists.") }
            if error.message.contains("FOREIGN KEY") { return .notFound("A record this change refers to does not exist.") }
            if error.message.contains("append-only") || error.message.contains("immutable") {
                return .rejected("The database refused the change: the table is append-only or immutable.")
            }
            return .failed("run a statement (constraint)")
        case .busy, .locked, .busyTimeout:
            return .unavailable("The SQLite database is locked by another process.")
        default:
            logger.error("SQLite statement failed", metadata: ["sqlite.reason": "\(error.reason)"])
            return .failed("run a statement")
        }
    }
}
