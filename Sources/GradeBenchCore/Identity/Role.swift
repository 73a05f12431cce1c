/// What a user may do. School-scoped roles are bound to exactly one school.
public enum Role: String, Codable, CaseIterable, Sendable {
    /// Platform operator: registers schools and collections, publishes snapshots.
    case `operator` = "operator"
    /// A school's system administrator: consent, school users, uploads.
    case schoolAdmin = "school-admin"
    /// A school leader: reads the school's analytics next to the benchmark.
    case leader = "leader"
    /// Data protection officer: policies, consent register, suppression reports, audit trail.
    case dpo = "dpo"

    /// Whether users with this role belong to one school.
    public var isSchoolScoped: Bool { self == .schoolAdmin || self == .leader }
}

/// A school's unique reference number (six digits, as in Get Information about Schools).
public struct URN: RawRepresentable, Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: Int

    public init?(rawValue: Int) {
        guard (100_000...999_999).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public init?(_ text: String) {
        guard text.count == 6, let value = Int(text) else { return nil }
        self.init(rawValue: value)
    }

    public var description: String { String(rawValue) }
    public static func < (lhs: URN, rhs: URN) -> Bool { lhs.rawValue < rhs.rawValue }
}
