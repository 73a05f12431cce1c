import GradeBenchCore

/// One stored grade row. `pupilKey` is the server-side re-keyed pseudonym (links a pupil's rows within the
/// school); `pupilSealed` is the school's own pseudonym, encrypted under the server data key.
public struct StoredGradeRow: Sendable, Hashable {
    public let pupilKey: String
    public let pupilSealed: [UInt8]
    public let subject: String
    public let grade: String
    public let pp: String?
    public let fsm: String?
    public let send: String?
    public let gender: String?
    public let eal: String?

    public init(
        pupilKey: String, pupilSealed: [UInt8], subject: String, grade: String,
        pp: String? = nil, fsm: String? = nil, send: String? = nil, gender: String? = nil, eal: String? = nil
    ) {
        self.pupilKey = pupilKey
        self.pupilSealed = pupilSealed
        self.subject = subject
        self.grade = grade
        self.pp = pp
        self.fsm = fsm
        self.send = send
        self.gender = gender
        self.eal = eal
    }
}

/// An accepted, validated submission ready to be stored.
public struct SubmissionDraft: Sendable {
    public let school: URN
    public let collectionID: String
    public let rows: [StoredGradeRow]
    public let pupilCount: Int
    public let subjectCount: Int
    public let bodySHA256: String
    public let idempotencyKey: String?
    public let userID: Int64?
    /// The per-school partial aggregate, encoded by Core.
    public let partialAggregate: [UInt8]

    public init(
        school: URN, collectionID: String, rows: [StoredGradeRow], pupilCount: Int, subjectCount: Int,
        bodySHA256: String, idempotencyKey: String?, userID: Int64?, partialAggregate: [UInt8]
    ) {
        self.school = school
        self.collectionID = collectionID
        self.rows = rows
        self.pupilCount = pupilCount
        self.subjectCount = subjectCount
        self.bodySHA256 = bodySHA256
        self.idempotencyKey = idempotencyKey
        self.userID = userID
        self.partialAggregate = partialAggregate
    }
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
    public let userID: Int64?

    public init(collectionID: String, schoolCount: Int, pupilCount: Int, policyHash: String, payload: [UInt8], userID: Int64?) {
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
