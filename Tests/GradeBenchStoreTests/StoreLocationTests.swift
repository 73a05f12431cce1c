import GradeBenchTestSupport
import Testing

@testable import GradeBenchStore

@Suite("Database locations")
struct StoreLocationTests {
    @Test func sqlitePaths() throws {
        #expect(try StoreLocation(parsing: "data/gb.sqlite") == .sqlite(path: "data/gb.sqlite"))
        #expect(try StoreLocation(parsing: "sqlite:gb.sqlite") == .sqlite(path: "gb.sqlite"))
        #expect(try StoreLocation(parsing: "sqlite:///tmp/gb.sqlite") == .sqlite(path: "/tmp/gb.sqlite"))
    }

    @Test func postgresURL() throws {
        guard case .postgres(let location) = try StoreLocation(parsing: "postgres://gb:s%40cret@db.internal:6543/bench?max_connections=8")
        else {
            Issue.record("expected PostgreSQL")
            return
        }
        #expect(location.host == "db.internal" && location.port == 6543 && location.database == "bench")
        #expect(location.username == "gb" && location.password == "s@cret" && location.maximumConnections == 8)
        // The printable form never shows the password.
        #expect(!StoreLocation.postgres(location).description.contains("cret"))
    }

    @Test(arguments: ["mysql://x/y", "redis://h", "", "postgres://h/db?colour=blue", "postgres://h/db?sslmode=verify-full"])
    func rejected(text: String) {
        let error = #expect(throws: StoreError.self) { try StoreLocation(parsing: text) }
        #expect(error?.code == "invalid_database_location")
    }

    @Test func unreachablePostgres() async {
        let error = await #expect(throws: StoreError.self) {
            _ = try await Store.open(try StoreLocation(parsing: "postgres://postgres@127.0.0.1:1/none"), logger: TestDatabase.logger)
        }
        #expect(error?.code == "database_unavailable")
        #expect(error?.message == "PostgreSQL at 127.0.0.1:1/none is not reachable; is the server running?")
    }

    @Test func positionalPlaceholders() {
        #expect(
            SQLiteSession.positional("SELECT $1, $12 FROM t WHERE a = '$' AND b = $2") == "SELECT ?1, ?12 FROM t WHERE a = '$' AND b = ?2")
    }
}
