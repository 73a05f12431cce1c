/// A value bound to or read from a statement, the same for both databases.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }

    static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
    static func optional(_ value: Int64?) -> SQLValue { value.map(SQLValue.int) ?? .null }
    static func int(_ value: Int) -> SQLValue { .int(Int64(value)) }
}

/// One statement: SQL text with `$1`, `$2`, … placeholders, and its bound values.
public struct SQLStatement: Sendable {
    public var sql: String
    public var binds: [SQLValue]

    public init(_ sql: String, _ binds: [SQLValue] = []) {
        self.sql = sql
        self.binds = binds
    }
}

/// One result row, read by column position.
public struct SQLRow: Sendable {
    public let values: [SQLValue]

    func int(_ index: Int) throws(StoreError) -> Int64 {
        switch values[index] {
        case .int(let value): return value
        case .double(let value) where value == value.rounded(): return Int64(value)
        default: throw StoreError.corruptRow(column: index)
        }
    }

    func optionalInt(_ index: Int) throws(StoreError) -> Int64? {
        if case .null = values[index] { return nil }
        return try int(index)
    }

    func text(_ index: Int) throws(StoreError) -> String {
        guard case .text(let value) = values[index] else { throw StoreError.corruptRow(column: index) }
        return value
    }

    func optionalText(_ index: Int) throws(StoreError) -> String? {
        if case .null = values[index] { return nil }
        return try text(index)
    }

    func blob(_ index: Int) throws(StoreError) -> [UInt8] {
        switch values[index] {
        case .blob(let bytes): return bytes
        case .null: return []
        default: throw StoreError.corruptRow(column: index)
        }
    }
}
