/// A person or system account that can sign in.
public struct User: Codable, Hashable, Sendable {
    public let id: Int64
    public let name: String
    public let role: Role
    /// The school a school-scoped role is bound to; `nil` for operators and DPOs.
    public let school: URN?
    public let createdAt: Int64

    public init(id: Int64, name: String, role: Role, school: URN?, createdAt: Int64) {
        self.id = id
        self.name = name
        self.role = role
        self.school = school
        self.createdAt = createdAt
    }

    /// `user:<id>`, as audit events name actors and targets.
    public var auditName: String { "user:\(id)" }
}

/// An API token's record. The token itself is shown once and never stored; only its SHA-256 is.
public struct TokenRecord: Codable, Hashable, Sendable {
    public let id: Int64
    public let userID: Int64
    public let label: String
    public let createdAt: Int64
    public let expiresAt: Int64
    public let revokedAt: Int64?

    public init(id: Int64, userID: Int64, label: String, createdAt: Int64, expiresAt: Int64, revokedAt: Int64?) {
        self.id = id
        self.userID = userID
        self.label = label
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    public func isUsable(at time: Int64) -> Bool { revokedAt == nil && time < expiresAt }
}

/// Why a user definition is not acceptable.
public struct UserRuleError: GradeBenchError, Equatable {
    public let message: String
    public var code: String { "invalid_user" }

    /// School-scoped roles need exactly one school; operators and DPOs have none; names are 1–64 plain characters.
    public static func check(name: String, role: Role, school: URN?) throws(UserRuleError) {
        guard (1...64).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) })
        else {
            throw UserRuleError(message: "A user name must be 1–64 letters, digits, '.', '_', '@' or '-'.")
        }
        if role.isSchoolScoped && school == nil {
            throw UserRuleError(message: "The \(role.rawValue) role belongs to one school: give its URN.")
        }
        if !role.isSchoolScoped, school != nil {
            throw UserRuleError(message: "The \(role.rawValue) role is not bound to a school: give no URN.")
        }
    }
}
