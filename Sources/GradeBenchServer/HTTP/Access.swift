import GradeBenchCore
import Hummingbird

/// Who may call a route. Every route declares one; the route table test walks them all.
public struct Access: Sendable, Hashable {
    /// Roles allowed; empty with `isPublic` for routes without authentication.
    public let roles: Set<Role>
    public let isPublic: Bool
    /// When set, the route's path names a school by this parameter; users of a school-scoped role may only
    /// reach their own school (another school answers 404, giving no hint it exists).
    public let schoolParameter: String?

    public static let `public` = Access(roles: [], isPublic: true, schoolParameter: nil)

    public static func roles(_ roles: Role...) -> Access {
        Access(roles: Set(roles), isPublic: false, schoolParameter: nil)
    }

    public static let anyUser = Access(roles: Set(Role.allCases), isPublic: false, schoolParameter: nil)

    /// A school-scoped route: `roles` allowed, and school-scoped roles only for their own school.
    public static func school(_ parameter: String = "urn", roles: Role...) -> Access {
        Access(roles: Set(roles), isPublic: false, schoolParameter: parameter)
    }
}

/// A registered route and its access rule.
public struct RouteDeclaration: Sendable, Hashable, CustomStringConvertible {
    public let method: HTTPRequest.Method
    public let path: String
    public let access: Access

    public var description: String { "\(method.rawValue) \(path)" }
}

/// The authenticated caller of a route.
public struct Caller: Sendable {
    public let user: User
    public let tokenID: Int64

    /// How audit events name this caller.
    public var auditName: String { user.auditName }
}
