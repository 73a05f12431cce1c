import Foundation

/// Where the data lives, from `--db`: a SQLite file path (optionally `sqlite:` prefixed) or a `postgres://` URL.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// The embedded default.
    public static let defaultSQLitePath = "gradebench.sqlite"

    public init(parsing text: String) throws(StoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw .invalidLocation("The database location is empty; give a SQLite file path or a postgres:// URL.")
        }
        if let schemeEnd = trimmed.range(of: "://") {
            let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
            switch scheme {
            case "postgres", "postgresql": self = .postgres(try PostgresLocation(url: trimmed))
            case "sqlite", "file":
                let path = String(trimmed[schemeEnd.upperBound...])
                guard !path.isEmpty else { throw .invalidLocation("The \(scheme):// database location has no file path.") }
                self = .sqlite(path: path)
            default:
                throw .invalidLocation(
                    "Unsupported database scheme '\(scheme)': use a SQLite file path or a postgres:// URL."
                )
            }
        } else if trimmed.hasPrefix("sqlite:") {
            self = .sqlite(path: String(trimmed.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: trimmed)
        }
    }

    /// Safe to print: never includes a password.
    public var description: String {
        switch self {
        case .sqlite(let path): "SQLite file \(path)"
        case .postgres(let location): "PostgreSQL at \(location.displayAddress)"
        }
    }
}

/// A parsed `postgres://user:password@host:port/database?sslmode=…` URL.
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var requireTLS: Bool
    public var maximumConnections: Int

    public init(url text: String) throws(StoreError) {
        guard let components = URLComponents(string: text) else {
            throw .invalidLocation("The PostgreSQL URL is not a valid URL.")
        }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? 5432
        username = components.user.map { $0.removingPercentEncoding ?? $0 } ?? "postgres"
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
        requireTLS = false
        maximumConnections = 20
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable": requireTLS = false
                case "require": requireTLS = true
                default:
                    throw .invalidLocation("The PostgreSQL URL's sslmode must be 'disable' or 'require'.")
                }
            case "max_connections":
                guard let value = item.value.flatMap(Int.init), value >= 1 else {
                    throw .invalidLocation("The PostgreSQL URL's max_connections must be a whole number of at least 1.")
                }
                maximumConnections = value
            default:
                throw .invalidLocation(
                    "The PostgreSQL URL has an unknown parameter '\(item.name)' (known: sslmode, max_connections)."
                )
            }
        }
    }

    public var displayAddress: String { "\(host):\(port)/\(database)" }
}
