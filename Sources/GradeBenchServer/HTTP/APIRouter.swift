import Foundation
import GradeBenchCore
import GradeBenchStore
import Hummingbird
import Logging

/// Registers routes with their access rule, checking authentication and authorization before the handler runs:
/// no or unusable token → 401, role not allowed → 403, another school's resource → 404.
public final class APIRouter {
    let router: Router<BasicRequestContext>
    let store: Store
    private var declared: [RouteDeclaration] = []

    init(router: Router<BasicRequestContext>, store: Store) {
        self.router = router
        self.store = store
    }

    /// Every route registered so far, in registration order.
    public var declarations: [RouteDeclaration] { declared }

    /// A public route: no token needed.
    func add(
        _ method: HTTPRequest.Method, _ path: String,
        handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
    ) {
        declared.append(RouteDeclaration(method: method, path: path, access: .public))
        router.on(RouterPath(path), method: method) { request, context in
            do { return try await handler(request, context) } catch { throw APIError.from(error) }
        }
    }

    /// An authenticated route.
    func add(
        _ method: HTTPRequest.Method, _ path: String, access: Access,
        handler: @escaping @Sendable (Request, BasicRequestContext, Caller) async throws -> Response
    ) {
        precondition(!access.isPublic, "use the public add for public routes")
        declared.append(RouteDeclaration(method: method, path: path, access: access))
        let store = self.store
        router.on(RouterPath(path), method: method) { request, context in
            do {
                let caller = try await Self.authenticate(request, store: store, context: context)
                guard access.roles.contains(caller.user.role) else { throw APIError.forbidden() }
                if let parameter = access.schoolParameter, caller.user.role.isSchoolScoped {
                    guard let text = context.parameters.get(parameter), let urn = URN(text), urn == caller.user.school else {
                        throw APIError.notFound()
                    }
                }
                return try await handler(request, context, caller)
            } catch {
                throw APIError.from(error)
            }
        }
    }

    /// Resolves the bearer token; a presented but unusable token is audited as a failed sign-in.
    static func authenticate(_ request: Request, store: Store, context: BasicRequestContext) async throws -> Caller {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError.unauthenticated
        }
        let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        let now = Int64(Date().timeIntervalSince1970)
        guard let (user, token) = try await store.tokenOwner(secret: secret), token.isUsable(at: now) else {
            let reason = "invalid, expired or revoked token"
            context.logger.notice("authentication failed", metadata: ["reason": "\(reason)"])
            try await store.recordAudit(
                AuditEntry(actor: "anonymous", action: "auth.failure", target: "api", details: ["path": request.uri.path])
            )
            throw APIError.unauthenticated
        }
        return Caller(user: user, tokenID: token.id)
    }
}
