import Foundation
import GradeBenchCore
import GradeBenchStore
import Hummingbird
import Logging
import NIOCore

extension APIRouter {
    /// Publication (operator), snapshots' facts (operator, DPO), suppression reports and policy approval (DPO).
    func addPublicationRoutes(service: PublicationService, policies: PolicySet) {
        add(.post, "/v1/collections/:collection/snapshots", access: .roles(.operator)) { _, context, caller in
            let collection = context.parameters.get("collection") ?? ""
            let receipt = try await service.publish(collectionID: collection, actor: caller.auditName, userID: caller.user.id)
            context.logger.info("snapshot published", metadata: ["snapshot": "\(receipt.snapshot)", "collection": "\(collection)"])
            return try JSON.response(receipt, status: .created)
        }

        struct SnapshotView: Encodable {
            let snapshot: Int64
            let publishedAt: String
            let schools: Int
            let policyHash: String
        }
        add(.get, "/v1/collections/:collection/snapshots", access: .roles(.operator, .dpo)) { [store] _, context, _ in
            let collection = context.parameters.get("collection") ?? ""
            guard try await store.collection(collection) != nil else {
                throw APIError.notFound("No collection '\(collection.prefix(64))' exists.")
            }
            let views = try await store.snapshots(collectionID: collection).map {
                SnapshotView(
                    snapshot: $0.id, publishedAt: JSON.timestamp($0.createdAt),
                    schools: $0.schoolCount, policyHash: $0.policyHash)
            }
            return try JSON.response(views)
        }

        add(.get, "/v1/snapshots/:snapshot/suppression-report", access: .roles(.dpo)) { [store] _, context, caller in
            guard let id = context.parameters.get("snapshot").flatMap(Int64.init), let (collection, report) = try await store.suppressionReport(snapshotID: id)
            else { throw APIError.notFound("No snapshot with that id exists.") }
            try await store.recordAudit(
                AuditEntry(actor: caller.auditName, action: "report.read", target: "snapshot:\(id)", details: ["collection": collection]))
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: report)))
        }

        struct PolicyView: Encodable {
            let policyHash: String
            let files: [String: String]
            let approvals: [ApprovalView]
        }
        struct ApprovalView: Encodable {
            let approval: Int64
            let policyHash: String
            let user: Int64
            let approvedAt: String

            init(_ approval: PolicyApproval) {
                self.approval = approval.id
                policyHash = approval.policyHash
                user = approval.userID
                approvedAt = JSON.timestamp(approval.approvedAt)
            }
        }
        add(.get, "/v1/policies/current", access: .roles(.operator, .dpo)) { [store] _, _, _ in
            let approvals = try await store.policyApprovals(hash: policies.hash).map(ApprovalView.init)
            return try JSON.response(PolicyView(policyHash: policies.hash, files: policies.fileHashes, approvals: approvals))
        }

        add(.post, "/v1/policies/:hash/approval", access: .roles(.dpo)) { [store] _, context, caller in
            let hash = (context.parameters.get("hash") ?? "").lowercased()
            guard hash == policies.hash else {
                throw APIError(
                    .conflict, code: "policy_mismatch",
                    message: "The policy version you approve must be the one this server runs (\(policies.hash)); read it with GET /v1/policies/current.")
            }
            let approval = try await store.approvePolicy(hash: hash, userID: caller.user.id, actor: caller.auditName)
            return try JSON.response(ApprovalView(approval), status: .created)
        }
    }
}
