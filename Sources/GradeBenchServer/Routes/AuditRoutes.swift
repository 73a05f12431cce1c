import GradeBenchCore
import GradeBenchStore
import Hummingbird

extension APIRouter {
    func addAuditRoutes() {
        struct EventView: Encodable {
            let sequence: Int64
            let time: Int64
            let actor: String
            let action: String
            let target: String
            let details: [String: String]
            let hash: String
        }
        add(.get, "/v1/audit/events", access: .roles(.dpo)) { [store] request, _, _ in
            let after = request.uri.queryParameters.get("after", as: Int64.self) ?? 0
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1000)
            let events = try await store.auditEvents(after: after, limit: limit).map {
                EventView(
                    sequence: $0.sequence, time: $0.time, actor: $0.actor, action: $0.action, target: $0.target,
                    details: $0.details, hash: $0.hash
                )
            }
            return try JSON.response(events)
        }

        struct VerificationView: Encodable {
            let intact: Bool
            let events: Int?
            let headHash: String?
            let brokenAt: Int64?
            let reason: String?
        }
        add(.get, "/v1/audit/verification", access: .roles(.dpo, .operator)) { [store] _, _, _ in
            switch try await store.verifyAudit() {
            case .intact(let events, let head):
                return try JSON.response(VerificationView(intact: true, events: events, headHash: head, brokenAt: nil, reason: nil))
            case .broken(let sequence, let reason):
                return try JSON.response(VerificationView(intact: false, events: nil, headHash: nil, brokenAt: sequence, reason: reason))
            }
        }
    }
}
