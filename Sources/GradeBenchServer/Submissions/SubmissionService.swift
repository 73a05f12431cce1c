import Crypto
import Foundation
import GradeBenchCore
import GradeBenchStore
import HTTPTypes
import Hummingbird

/// Receipt returned for an accepted submission.
public struct SubmissionReceipt: Codable, Sendable, Equatable {
    public let submission: Int64
    public let collection: String
    public let school: Int
    public let rows: Int
    public let pupils: Int
    public let subjects: Int
    public let sha256: String
    /// The submission this one replaced, if any.
    public let replaces: Int64?

    init(_ record: SubmissionRecord) {
        submission = record.id
        collection = record.collectionID
        school = record.school.rawValue
        rows = record.rowCount
        pupils = record.pupilCount
        subjects = record.subjectCount
        sha256 = record.bodySHA256
        replaces = record.replacesID
    }
}

/// The ingestion pipeline, in order: consent gate → window → idempotency → identifier guard and validation (Core)
/// → re-keying and sealing → partial aggregate (Core) → one atomic store write.
public struct SubmissionService: Sendable {
    let store: Store
    let keys: ServerKeys
    let catalogue: SubjectCatalogue

    public init(store: Store, keys: ServerKeys, catalogue: SubjectCatalogue = .standard) {
        self.store = store
        self.keys = keys
        self.catalogue = catalogue
    }

    public enum Outcome: Sendable {
        case accepted(SubmissionReceipt)
        case replayed(SubmissionReceipt)
    }

    /// Runs the pipeline for one school's file. `actor` and `userID` name who submitted it in the audit log.
    public func submit(
        body: [UInt8], collectionID: String, school: URN, idempotencyKey: String?, actor: String, userID: Int64?, now: Int64
    ) async throws -> Outcome {
        guard let (collection, consents) = try await store.consentGate(collectionID: collectionID, school: school) else {
            throw APIError.notFound("No collection '\(collectionID.prefix(64))' exists.")
        }
        guard consents.isActive(for: collection) else {
            throw APIError(
                .forbidden, code: "consent_required",
                message: "Your school has no active consent for collection '\(collection.id)'; opt in before submitting."
            )
        }
        guard collection.isOpen(at: now) else {
            throw APIError(.conflict, code: "window_closed", message: "The submission window of collection '\(collection.id)' is closed.")
        }
        let sha256 = SHA256.hash(data: body).hexString
        if let idempotencyKey {
            guard (1...128).contains(idempotencyKey.count), idempotencyKey.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw APIError.badRequest(code: "invalid_idempotency_key", "Idempotency-Key must be 1–128 visible ASCII characters.")
            }
            if let earlier = try await store.submission(school: school, collectionID: collection.id, idempotencyKey: idempotencyKey) {
                guard earlier.bodySHA256 == sha256 else {
                    throw APIError(
                        .conflict, code: "idempotency_conflict",
                        message: "This Idempotency-Key was used for a different file; use a new key for a new submission."
                    )
                }
                return .replayed(SubmissionReceipt(earlier))
            }
        }
        let validated = try SubmissionValidator(catalogue: catalogue, keyStage: collection.keyStage).validate(body)
        // Re-key each pupil; seal the school's pseudonyms once, as one list in pupil order.
        let pupils = validated.pupils.enumerated().map { position, pupil in
            StoredPupil(
                pupilKey: keys.pupilKey(school: school, pseudonym: pupil.pseudonym), characteristics: pupil.characteristics,
                results: validated.packedResults(ofPupil: position)
            )
        }
        let sealed = keys.seal(pseudonyms: validated.pupils.map(\.pseudonym), school: school)
        let draft = SubmissionDraft(
            school: school, collectionID: collection.id, pupils: pupils, sealedPseudonyms: sealed, subjectCount: validated.subjectCount,
            bodySHA256: sha256, idempotencyKey: idempotencyKey, userID: userID,
            partialAggregate: PartialAggregate.encoded(from: validated)
        )
        do {
            return .accepted(SubmissionReceipt(try await store.replaceSubmission(draft, actor: actor)))
        } catch let error as StoreError where error.isConflict && idempotencyKey != nil {
            // Two requests with one key raced; the first stored wins and this one replays it.
            if let earlier = try await store.submission(school: school, collectionID: collection.id, idempotencyKey: idempotencyKey!),
                earlier.bodySHA256 == sha256
            {
                return .replayed(SubmissionReceipt(earlier))
            }
            throw error
        }
    }
}
