import GradeBenchCore

/// One stored grade row. `pupilKey` is the server-side re-keyed pseudonym (links a pupil's rows within the
/// school); `pupilOrdinal` is the position of the school's own pseudonym in the submission's sealed list.
public struct StoredGradeRow: Sendable, Hashable {
    public let pupilKey: String
    public let pupilOrdinal: Int
    public let subject: String
    public let grade: String
    public let characteristics: PupilCharacteristics
}

/// One pupil of an accepted submission as it is stored: the server-side key, the characteristics and the pupil's
/// results packed as `SUBJECT=GRADE;…` in file order (`ValidatedSubmission.packedResults(ofPupil:)`). The pupil's
/// position in the draft is its ordinal.
public struct StoredPupil: Sendable, Hashable {
    public let pupilKey: String
    public let characteristics: PupilCharacteristics
    public let results: String

    public init(pupilKey: String, characteristics: PupilCharacteristics, results: String) {
        self.pupilKey = pupilKey
        self.characteristics = characteristics
        self.results = results
    }

    /// The packed results as (subject code, grade) pairs, in file order.
    public func unpackedResults() throws(StoreError) -> [(subject: String, grade: String)] {
        var pairs: [(subject: String, grade: String)] = []
        for pair in results.split(separator: ";") {
            guard let equals = pair.firstIndex(of: "=") else { throw StoreError.corruptRow(column: 0) }
            pairs.append((String(pair[..<equals]), String(pair[pair.index(after: equals)...])))
        }
        return pairs
    }

    /// How many results the packed form holds.
    var resultCount: Int { results.isEmpty ? 0 : results.utf8.reduce(1) { $1 == UInt8(ascii: ";") ? $0 + 1 : $0 } }
}

/// An accepted, validated submission ready to be stored.
public struct SubmissionDraft: Sendable {
    public let school: URN
    public let collectionID: String
    public let pupils: [StoredPupil]
    /// The school's own pseudonyms, in pupil order, sealed by the server (`ServerKeys.seal(pseudonyms:school:)`).
    public let sealedPseudonyms: [UInt8]
    public let subjectCount: Int
    public let bodySHA256: String
    public let idempotencyKey: String?
    public let userID: Int64?
    /// The per-school partial aggregate, encoded by Core.
    public let partialAggregate: [UInt8]

    public init(
        school: URN, collectionID: String, pupils: [StoredPupil], sealedPseudonyms: [UInt8], subjectCount: Int,
        bodySHA256: String, idempotencyKey: String?, userID: Int64?, partialAggregate: [UInt8]
    ) {
        self.school = school
        self.collectionID = collectionID
        self.pupils = pupils
        self.rowCount = pupils.reduce(0) { $0 + $1.resultCount }
        self.sealedPseudonyms = sealedPseudonyms
        self.subjectCount = subjectCount
        self.bodySHA256 = bodySHA256
        self.idempotencyKey = idempotencyKey
        self.userID = userID
        self.partialAggregate = partialAggregate
    }

    /// Results over all pupils (counted once, from the packed form).
    public let rowCount: Int
    public var pupilCount: Int { pupils.count }
}

public enum SubmissionState: String, Codable, Sendable {
    case active
    case replaced
    case erased
}

/// A stored submission's record (its receipt).
public struct SubmissionRecord: Codable, Sendable, Hashable {
    public let id: Int64
    public let school: URN
    public let collectionID: String
    public let state: SubmissionState
    public let receivedAt: Int64
    public let rowCount: Int
    public let pupilCount: Int
    public let subjectCount: Int
    public let bodySHA256: String
    public let idempotencyKey: String?
    public let replacesID: Int64?
}

/// A published snapshot ready to be stored.
public struct SnapshotDraft: Sendable {
    public let collectionID: String
    public let schoolCount: Int
    public let pupilCount: Int
    public let policyHash: String
    public let payload: [UInt8]
    /// The DPO's suppression report.
    public let report: [UInt8]
    /// What later publications' release guards compare against (`ReleaseGuard.Digest`, stored form).
    public let guardDigest: [UInt8]
    public let userID: Int64?

    public init(
        collectionID: String, schoolCount: Int, pupilCount: Int, policyHash: String, payload: [UInt8], report: [UInt8] = [],
        guardDigest: [UInt8] = [], userID: Int64?
    ) {
        self.report = report
        self.guardDigest = guardDigest
        self.collectionID = collectionID
        self.schoolCount = schoolCount
        self.pupilCount = pupilCount
        self.policyHash = policyHash
        self.payload = payload
        self.userID = userID
    }
}

public struct SnapshotRecord: Sendable, Hashable {
    public let id: Int64
    public let collectionID: String
    public let createdAt: Int64
    public let schoolCount: Int
    public let pupilCount: Int
    public let policyHash: String
    public let payload: [UInt8]
}

/// One school's partial aggregate for a collection.
public struct PartialAggregateRecord: Sendable, Hashable {
    public let school: URN
    public let submissionID: Int64
    public let payload: [UInt8]
}
