import PostgresNIO
import Synchronization

/// Named prepared statements for PostgreSQL, chosen at run time by SQL text and parameter types: each connection
/// parses and plans a statement once instead of on every request (parse, analysis and planning were a quarter of
/// PostgreSQL's work on the ingest path).
///
/// PostgresNIO's prepared statements are types with a static name and SQL, so statements are given slots:
/// `Slot<High, Low>` over eight digit types makes 64 distinct types, and the registry assigns each new
/// (SQL, parameter types) pair the next free slot for the life of the process. Beyond 64, statements run unnamed.
enum PostgresPrepared {
    static let capacity = 64

    struct Entry: Sendable {
        let sql: String
        let types: [PostgresDataType]
    }

    private struct Registry {
        var slots: [String: Int] = [:]
        var entries: [Entry] = []
    }

    private static let registry = Mutex(Registry())

    /// The statement's slot (assigning one if free), or `nil` when it should run unnamed.
    static func slot(sql: String, binds: [SQLValue]) -> Int? {
        let types = binds.map(dataType)
        let key = types.map { String($0.rawValue) }.joined(separator: ",") + "|" + sql
        return registry.withLock { registry in
            if let slot = registry.slots[key] { return slot }
            guard registry.entries.count < capacity, isPreparable(sql) else { return nil }
            registry.entries.append(Entry(sql: sql, types: types))
            registry.slots[key] = registry.entries.count - 1
            return registry.entries.count - 1
        }
    }

    static func entry(_ slot: Int) -> Entry { registry.withLock { $0.entries[slot] } }

    /// Data manipulation only; schema changes run unnamed.
    private static func isPreparable(_ sql: String) -> Bool {
        let start = sql.drop { $0 == " " || $0 == "\n" }.prefix(7).uppercased()
        return ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains { start.hasPrefix($0) }
    }

    /// The type the unnamed path would send for a value (unspecified for NULL: PostgreSQL infers it).
    static func dataType(_ value: SQLValue) -> PostgresDataType {
        switch value {
        case .null: .null
        case .int: .int8
        case .double: .float8
        case .text: .text
        case .blob: .bytea
        }
    }

    /// Runs the statement in its slot on `connection`, preparing it there first if needed.
    static func execute(slot: Int, binds: PostgresBindings, on connection: PostgresConnection, logger: Logger) async throws -> [PostgresRow]
    {
        let high = digits[slot / 8]
        let low = digits[slot % 8]
        return try await execute(high, low, binds: binds, on: connection, logger: logger)
    }

    private static func execute<High: Digit, Low: Digit>(
        _: High.Type, _: Low.Type, binds: PostgresBindings, on connection: PostgresConnection, logger: Logger
    ) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await connection.execute(Slot<High, Low>(binds: binds), logger: logger) { rows.append(row) }
        return rows
    }

    private static let digits: [any Digit.Type] = [D0.self, D1.self, D2.self, D3.self, D4.self, D5.self, D6.self, D7.self]
}

protocol Digit: SendableMetatype { static var value: Int { get } }
enum D0: Digit { static let value = 0 }
enum D1: Digit { static let value = 1 }
enum D2: Digit { static let value = 2 }
enum D3: Digit { static let value = 3 }
enum D4: Digit { static let value = 4 }
enum D5: Digit { static let value = 5 }
enum D6: Digit { static let value = 6 }
enum D7: Digit { static let value = 7 }

/// The prepared statement in slot `High × 8 + Low`.
struct Slot<High: Digit, Low: Digit>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var index: Int { High.value * 8 + Low.value }
    static var name: String { "gradebench_\(index)" }
    static var sql: String { PostgresPrepared.entry(index).sql }
    static var bindingDataTypes: [PostgresDataType] { PostgresPrepared.entry(index).types }

    let binds: PostgresBindings

    func makeBindings() throws -> PostgresBindings { binds }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
