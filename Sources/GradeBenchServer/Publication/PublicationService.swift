import Foundation
import GradeBenchCore
import GradeBenchStore
import HTTPTypes

/// What a publication returns to the operator: the stored snapshot's facts, never its tables.
public struct SnapshotReceipt: Codable, Sendable, Equatable {
    public let snapshot: Int64
    public let collection: String
    public let schools: Int
    /// Contributing pupils, rounded to the policy's base like every published count.
    public let pupils: Int
    public let policyHash: String
    public let suppressedCells: Int
}

/// A publication, in order: the collection → the policy version's DPO approval → the contributing schools (an active
/// submission and consent active now) → Core's `Publication` (tables, disclosure control, release guards against
/// every earlier snapshot) → one store write of the snapshot, its report and the audit event.
public struct PublicationService: Sendable {
    let store: Store
    let policies: PolicySet
    let catalogue: SubjectCatalogue

    public init(store: Store, policies: PolicySet, catalogue: SubjectCatalogue = .standard) {
        self.store = store
        self.policies = policies
        self.catalogue = catalogue
    }

    public func publish(collectionID: String, actor: String, userID: Int64?) async throws -> SnapshotReceipt {
        guard let collection = try await store.collection(collectionID) else {
            throw APIError.notFound("No collection '\(collectionID.prefix(64))' exists.")
        }
        guard try await !store.policyApprovals(hash: policies.hash).isEmpty else {
            throw APIError(
                .conflict, code: "policy_not_approved",
                message: "The policy version \(policies.hash) has not been approved by a DPO; publication uses only an approved policy.")
        }
        // The earlier snapshots' guard digests are read and decoded while the inputs are read.
        async let digests = store.snapshotDigests(collectionID: collection.id).map { stored in
            (id: stored.id, digest: stored.digest.isEmpty
                ? ReleaseGuard.Digest(try SnapshotContent(encoded: stored.payload)) : try ReleaseGuard.Digest(encoded: stored.digest))
        }
        let inputs = try await store.publicationInputs(collectionID: collection.id).filter { $0.consents.isActive(for: collection) }
        guard !inputs.isEmpty else {
            throw APIError(
                .conflict, code: "no_contributions",
                message: "No school has both an accepted submission and active consent for collection '\(collection.id)'.")
        }
        let earlier = try await digests
        let publication = Publication(policy: policies.suppression, policyHash: policies.hash, catalogue: catalogue)
        let stored = Dictionary(uniqueKeysWithValues: inputs.map { ($0.school.urn, $0.aggregate) })
        let pupils = try inputs.reduce(0) { $0 + (try PartialAggregate.pupils(encoded: $1.aggregate)) }
        let prepared = try publication.prepare(keyStage: collection.keyStage, schools: inputs.map(\.school)) { stored[$0.urn]! }
        // The release guards are checked while the three stored forms are written, all at once; nothing is stored
        // unless the guards find nothing. In a block of its own, so that its child tasks' hold on the tables ends with it.
        let draft: SnapshotDraft
        do {
            async let checked: Void = publication.checkGuards(prepared, earlier: earlier)
            async let payload = prepared.content.encoded()
            async let reportBytes = prepared.report.encoded()
            async let digest = ReleaseGuard.Digest.encoded(prepared.content)
            try await checked
            draft = SnapshotDraft(
                collectionID: collection.id, schoolCount: prepared.content.schools, pupilCount: pupils,
                policyHash: policies.hash, payload: await payload, report: await reportBytes, guardDigest: await digest, userID: userID)
        }
        let (schools, roundedPupils, suppressed) = (prepared.content.schools, prepared.content.pupils, prepared.report.entries.count)
        Self.release(consume prepared)
        let record = try await store.saveSnapshot(draft, actor: actor)
        return SnapshotReceipt(
            snapshot: record.id, collection: collection.id, schools: schools, pupils: roundedPupils, policyHash: policies.hash,
            suppressedCells: suppressed)
    }

    /// Frees a publication's tables (hundreds of thousands of small allocations) on another thread while its snapshot
    /// is written, when our cores would otherwise wait on PostgreSQL: freed after the write, they held one core for
    /// ~15 ms before the reply (national timeline).
    private static func release(_ prepared: consuming Publication.Prepared) {
        let tables = prepared
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(tables) {} }
    }
}
