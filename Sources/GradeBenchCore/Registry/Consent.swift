/// What a consent record covers: one collection, or every collection of a key stage.
public enum ConsentScope: Hashable, Sendable, Codable {
    case collection(String)
    case keyStage(KeyStage)

    public var kind: String {
        switch self {
        case .collection: "collection"
        case .keyStage: "key-stage"
        }
    }

    public var value: String {
        switch self {
        case .collection(let id): id
        case .keyStage(let keyStage): keyStage.rawValue
        }
    }

    public init?(kind: String, value: String) {
        switch kind {
        case "collection": self = .collection(value)
        case "key-stage":
            guard let keyStage = KeyStage(rawValue: value) else { return nil }
            self = .keyStage(keyStage)
        default: return nil
        }
    }

    public func covers(_ collection: GradeCollection) -> Bool {
        switch self {
        case .collection(let id): id == collection.id
        case .keyStage(let keyStage): keyStage == collection.keyStage
        }
    }
}

public enum ConsentAction: String, Codable, Sendable {
    case grant
    case withdraw
}

/// One entry of the append-only consent register.
public struct ConsentRecord: Codable, Hashable, Sendable {
    public let id: Int64
    public let school: URN
    public let action: ConsentAction
    public let scope: ConsentScope
    /// SHA-256 of the consent text that was shown and acknowledged (grants), or withdrawn from.
    public let textHash: String
    public let reason: String?
    public let userID: Int64?
    public let recordedAt: Int64

    public init(
        id: Int64, school: URN, action: ConsentAction, scope: ConsentScope, textHash: String, reason: String?,
        userID: Int64?, recordedAt: Int64
    ) {
        self.id = id
        self.school = school
        self.action = action
        self.scope = scope
        self.textHash = textHash
        self.reason = reason
        self.userID = userID
        self.recordedAt = recordedAt
    }
}

extension Sequence where Element == ConsentRecord {
    /// Whether the register (in recording order) leaves consent active for the collection: the latest record
    /// whose scope covers the collection is a grant.
    public func isActive(for collection: GradeCollection) -> Bool {
        var active = false
        for record in self where record.scope.covers(collection) { active = record.action == .grant }
        return active
    }
}
