import Foundation
import GradeBenchCore
import GradeBenchStore
import Hummingbird

struct UserView: Codable, Sendable {
    let id: Int64
    let name: String
    let role: String
    let school: Int?

    init(_ user: User) {
        id = user.id
        name = user.name
        role = user.role.rawValue
        school = user.school?.rawValue
    }
}

struct IssuedTokenView: Codable, Sendable {
    let id: Int64
    /// Shown once, in the response that creates it.
    let token: String
    let expiresAt: String

    init(_ issued: IssuedToken) {
        id = issued.record.id
        token = issued.secret
        expiresAt = JSON.timestamp(issued.record.expiresAt)
    }
}

extension APIRouter {
    func addIdentityRoutes(configuration: ServerConfiguration) {
        add(.get, "/v1/me", access: .anyUser) { _, _, caller in
            try JSON.response(UserView(caller.user))
        }

        /// Revokes the token that makes this request (signing out a script or device).
        add(.delete, "/v1/me/token", access: .anyUser) { [store] _, _, caller in
            try await store.revokeToken(id: caller.tokenID, actor: caller.auditName)
            return Response(status: .noContent)
        }

        struct CreateUser: Decodable {
            let name: String
            let role: String
            let school: Int?
            let tokenDays: Int?
        }
        struct Created: Encodable {
            let user: UserView
            let token: IssuedTokenView
        }
        add(.post, "/v1/users", access: .roles(.operator)) { [store] request, _, caller in
            let body = try await JSON.decode(CreateUser.self, from: request)
            guard let role = Role(rawValue: body.role) else {
                throw APIError.badRequest(
                    code: "invalid_role",
                    "Unknown role '\(body.role.prefix(32))' (valid: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))."
                )
            }
            var school: URN? = nil
            if let urn = body.school {
                guard let parsed = URN(rawValue: urn) else { throw APIError.badRequest(code: "invalid_urn", "A URN has six digits.") }
                school = parsed
            }
            let days = body.tokenDays ?? configuration.tokenLifetimeDays
            guard (1...366).contains(days) else {
                throw APIError.badRequest(code: "invalid_token_days", "tokenDays must be between 1 and 366.")
            }
            let user = try await store.createUser(name: body.name, role: role, school: school, passwordHash: nil, actor: caller.auditName)
            let issued = try await store.issueToken(
                userID: user.id, label: "created by \(caller.auditName)", lifetime: .seconds(days * 86_400), actor: caller.auditName
            )
            return try JSON.response(Created(user: UserView(user), token: IssuedTokenView(issued)), status: .created)
        }

        add(.delete, "/v1/tokens/:id", access: .roles(.operator)) { [store] _, context, caller in
            guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.notFound() }
            try await store.revokeToken(id: id, actor: caller.auditName)
            return Response(status: .noContent)
        }
    }
}
