import GradeBenchCore

extension Store {
    /// Creates an empty PostgreSQL database on this server (for test runs and benchmark scripts).
    /// The name must be a plain lower-case identifier.
    public func createDatabase(named name: String) async throws {
        try await administer("CREATE DATABASE", name)
    }

    /// Drops a PostgreSQL database on this server, disconnecting its sessions.
    public func dropDatabase(named name: String) async throws {
        try await administer("DROP DATABASE IF EXISTS", name, suffix: " WITH (FORCE)")
    }

    private func administer(_ command: String, _ name: String, suffix: String = "") async throws {
        guard dialect == .postgres else { throw StoreError.rejected("Only a PostgreSQL server holds several databases.") }
        guard !name.isEmpty, name.count <= 63, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw StoreError.invalidLocation("A database name must be 1–63 lower-case letters, digits or '_'.")
        }
        try await read { session in try await session.query(SQLStatement("\(command) \(name)\(suffix)")) }
    }
}
