import Foundation
import GradeBenchCore
import GradeBenchStore
import Hummingbird

struct ConsentView: Codable, Sendable {
    let id: Int64
    let action: String
    let scope: String
    let value: String
    let textHash: String
    let reason: String?
    let user: Int64?
    let recordedAt: String

    init(_ record: ConsentRecord) {
        id = record.id
        action = record.action.rawValue
        scope = record.scope.kind
        value = record.scope.value
        textHash = record.textHash
        reason = record.reason
        user = record.userID
        recordedAt = JSON.timestamp(record.recordedAt)
    }
}

extension APIRouter {
    func addConsentRoutes(policies: PolicySet) {
        struct TextView: Encodable {
            let title: String
            let text: String
            let purposes: [String]
            let dataFields: [ConsentPolicy.DataField]
            let textHash: String
        }
        add(.get, "/v1/consent-text", access: .anyUser) { _, _, _ in
            let consent = policies.consent
            return try JSON.response(
                TextView(
                    title: consent.title, text: consent.text, purposes: consent.purposes, dataFields: consent.dataFields,
                    textHash: consent.textHash)
            )
        }

        struct Change: Decodable {
            let action: String
            let collection: String?
            let keyStage: String?
            let textHash: String?
            let reason: String?
        }
        add(.post, "/v1/schools/:urn/consents", access: .school(roles: .schoolAdmin)) { [store] request, context, caller in
            guard let urn = context.parameters.get("urn").flatMap(URN.init) else { throw APIError.notFound() }
            let change = try await JSON.decode(Change.self, from: request)
            guard let action = ConsentAction(rawValue: change.action) else {
                throw APIError.badRequest(code: "invalid_action", "action must be 'grant' or 'withdraw'.")
            }
            let scope: ConsentScope
            switch (change.collection, change.keyStage) {
            case (let id?, nil):
                guard try await store.collection(id) != nil else { throw APIError.notFound("No collection '\(id.prefix(64))' exists.") }
                scope = .collection(id)
            case (nil, let stage?):
                guard let keyStage = KeyStage(rawValue: stage) else {
                    throw APIError.badRequest(code: "invalid_key_stage", "keyStage must be one of EYFS, KS2, KS4, KS5.")
                }
                scope = .keyStage(keyStage)
            default:
                throw APIError.badRequest(code: "invalid_scope", "Give exactly one of 'collection' or 'keyStage'.")
            }
            let history = try await store.consents(school: urn)
            try ConsentRules.check(
                action: action, scope: scope, acknowledgedHash: change.textHash, reason: change.reason,
                currentTextHash: policies.consent.textHash, history: history
            )
            let record = try await store.recordConsent(
                school: urn, action: action, scope: scope, textHash: policies.consent.textHash,
                reason: action == .withdraw ? change.reason : nil, userID: caller.user.id, actor: caller.auditName
            )
            return try JSON.response(ConsentView(record), status: .created)
        }

        add(.get, "/v1/schools/:urn/consents", access: .school(roles: .schoolAdmin, .leader, .dpo, .operator)) { [store] _, context, _ in
            guard let urn = context.parameters.get("urn").flatMap(URN.init), try await store.school(urn) != nil else {
                throw APIError.notFound("No school with that URN is registered.")
            }
            return try JSON.response(try await store.consents(school: urn).map(ConsentView.init))
        }
    }
}
