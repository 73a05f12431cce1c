import Foundation
import GradeBenchCore
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import Synchronization

/// PostgreSQL through PostgresNIO's connection pool. The pool runs as a service (`run()`).
final class PostgresDriver: SQLDriver {
    let dialect = SQLDialect.postgres
    let client: PostgresClient
    private let logger: Logger
    private let running = Mutex(false)

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Checks the server answers (one short-lived connection) before creating the pool, so an unreachable
    /// server is reported at once rather than as requests that wait.
    static func connect(_ location: PostgresLocation, logger: Logger) async throws(StoreError) -> PostgresDriver {
        var probeConfiguration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username,
            password: location.password, database: location.database, tls: .disable
        )
        probeConfiguration.options.connectTimeout = .seconds(5)
        if location.requireTLS {
            do {
                probeConfiguration.tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            } catch { throw .unavailable("TLS to PostgreSQL at \(location.displayAddress) could not be set up.") }
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: probeConfiguration, id: 0, logger: logger)
            defer { Task { try? await connection.close() } }
            _ = try await connection.query("SELECT 1", logger: logger).collect()
        } catch let error as PSQLError {
            if let state = error.serverInfo?[.sqlState] {
                logger.error("PostgreSQL refused the connection", metadata: ["sqlstate": "\(state)"])
                throw .unavailable(
                    "PostgreSQL at \(location.displayAddress) refused the connection (SQLSTATE \(state)); check the user, password and database name."
                )
            }
            throw .unavailable("PostgreSQL at \(location.displayAddress) is not reachable; is the server running?")
        } catch {
            throw .unavailable("PostgreSQL at \(location.displayAddress) is not reachable; is the server running?")
        }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username,
            password: location.password, database: location.database, tls: .disable
        )
        if location.requireTLS { configuration.tls = .require(.makeClientConfiguration()) }
        configuration.options.maximumConnections = location.maximumConnections
        return PostgresDriver(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
    }

    func withSession<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                    try await body(PostgresSession(connection: connection, logger: logger))
                }
            }
        } catch let error as PSQLError {
            throw PostgresSession.map(error, logger: logger)
        }
    }

    func withTransaction<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                    try await connection.withTransaction(logger: logger) { connection in
                        try await body(PostgresSession(connection: connection, logger: logger))
                    }
                }
            }
        } catch let error as PSQLError {
            throw PostgresSession.map(error, logger: logger)
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw StoreError.failed("complete the transaction")
        }
    }

    func run() async throws {
        running.withLock { $0 = true }
        await client.run()
    }

    /// Leasing a connection before the pool runs works, but PostgresNIO then warns on the command's output.
    func waitUntilRunning() async {
        while !running.withLock({ $0 }) { await Task.yield() }
        // `run()` marks itself running first thing; this leaves it the instructions between the two.
        try? await Task.sleep(for: .milliseconds(1))
    }

    func shutdown() async {}
}

struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger

    func query(_ statement: SQLStatement) async throws(StoreError) -> [SQLRow] {
        var binds = PostgresBindings(capacity: statement.binds.count)
        for value in statement.binds {
            switch value {
            case .null: binds.appendNull()
            case .int(let int): binds.append(int)
            case .double(let double): binds.append(double)
            case .text(let text): binds.append(text)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            }
        }
        do {
            if let slot = PostgresPrepared.slot(sql: statement.sql, binds: statement.binds) {
                return try await PostgresPrepared.execute(slot: slot, binds: binds, on: connection, logger: logger).map(Self.convert)
            }
            let rows = try await connection.query(PostgresQuery(unsafeSQL: statement.sql, binds: binds), logger: logger)
                .collect()
            return rows.map(Self.convert)
        } catch let error as PSQLError {
            throw Self.map(error, logger: logger)
        } catch {
            throw StoreError.failed("run a statement")
        }
    }

    static func convert(_ row: PostgresRow) -> SQLRow {
        SQLRow(
            values: row.map { cell -> SQLValue in
                guard cell.bytes != nil else { return .null }
                switch cell.dataType {
                case .int2, .int4, .int8: return (try? cell.decode(Int64.self)).map(SQLValue.int) ?? .null
                case .float4, .float8: return (try? cell.decode(Double.self)).map(SQLValue.double) ?? .null
                case .bool: return (try? cell.decode(Bool.self)).map { .int($0 ? 1 : 0) } ?? .null
                case .bytea:
                    return (try? cell.decode(ByteBuffer.self)).map { .blob(Array($0.readableBytesView)) } ?? .null
                case .void: return .null
                default: return (try? cell.decode(String.self)).map(SQLValue.text) ?? .null
                }
            }
        )
    }

    /// Classifies a driver error without passing its text on (it can quote values).
    static func map(_ error: PSQLError, logger: Logger) -> StoreError {
        guard let state = error.serverInfo?[.sqlState] else {
            logger.error("PostgreSQL connection failed", metadata: ["psql.code": "\(error.code)"])
            return .unavailable("The PostgreSQL connection failed; is the server running?")
        }
        switch state {
        case "23505": return .conflict("A record with the same key already exists.")
        case "23503": return .notFound("A record this change refers to does not exist.")
        case "P0001": return .rejected("The database refused the change: the table is append-only or immutable.")
        default:
            logger.error("PostgreSQL statement failed", metadata: ["sqlstate": "\(state)"])
            return .failed("run a statement (SQLSTATE \(state))")
        }
    }
}
