import GradeBenchCore

@testable import GradeBenchStore

enum Samples {
    static let urnA = URN(rawValue: 900_101)!
    static let urnB = URN(rawValue: 900_102)!

    static func school(_ urn: URN, name: String = "Synthetic Test School") -> School {
        School(urn: urn, name: name, region: "London", type: "academy", phase: "secondary", sizeBand: "small", disadvantageBand: "low")
    }

    static let ks4 = GradeCollection(id: "ks4-test", name: "KS4 test", keyStage: .ks4, academicYear: "2025/26")

    static func rows(_ count: Int, tag: String) -> [StoredGradeRow] {
        let subjects = ["MATH", "ENGLANG", "ENGLIT"]
        var rows: [StoredGradeRow] = []
        for index in 0..<count {
            let pupil: String = "\(tag)-pupil-\(index / 3)"
            let sealed: [UInt8] = [1, 2, UInt8(index % 256)]
            let pp: String = index % 2 == 0 ? "Y" : "N"
            rows.append(
                StoredGradeRow(pupilKey: pupil, pupilSealed: sealed, subject: subjects[index % 3], grade: String(index % 10), pp: pp))
        }
        return rows
    }

    static func draft(_ urn: URN, rows: [StoredGradeRow], key: String? = nil, sha: String = "abc") -> SubmissionDraft {
        SubmissionDraft(
            school: urn, collectionID: ks4.id, rows: rows, pupilCount: Set(rows.map(\.pupilKey)).count, subjectCount: 3,
            bodySHA256: sha, idempotencyKey: key, userID: nil, partialAggregate: Array("partial-\(rows.count)".utf8)
        )
    }

    /// A store with two schools and a KS4 collection.
    static func seed(_ store: Store) async throws {
        try await store.registerSchool(school(urnA), actor: "test")
        try await store.registerSchool(school(urnB), actor: "test")
        try await store.registerCollection(ks4, actor: "test")
    }
}
