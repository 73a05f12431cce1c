import GradeBenchCore

@testable import GradeBenchStore

enum Samples {
    static let urnA = URN(rawValue: 900_101)!
    static let urnB = URN(rawValue: 900_102)!

    static func school(_ urn: URN, name: String = "Synthetic Test School") -> School {
        School(urn: urn, name: name, region: "London", type: "academy", phase: "secondary", sizeBand: "small", disadvantageBand: "low")
    }

    static let ks4 = GradeCollection(id: "ks4-test", name: "KS4 test", keyStage: .ks4, academicYear: "2025/26")

    /// `count` results, three per pupil (MATH, ENGLANG, ENGLIT).
    static func pupils(_ count: Int, tag: String) -> [StoredPupil] {
        let subjects = ["MATH", "ENGLANG", "ENGLIT"]
        var pupils: [StoredPupil] = []
        for first in stride(from: 0, to: count, by: 3) {
            let results = (first..<min(first + 3, count)).map { "\(subjects[$0 % 3])=\($0 % 10)" }.joined(separator: ";")
            let characteristics = PupilCharacteristics(pp: first % 2 == 0 ? "Y" : "N")
            pupils.append(StoredPupil(pupilKey: "\(tag)-pupil-\(first / 3)", characteristics: characteristics, results: results))
        }
        return pupils
    }

    static func draft(_ urn: URN, pupils: [StoredPupil], key: String? = nil, sha: String = "abc") -> SubmissionDraft {
        let rows = pupils.reduce(0) { $0 + $1.results.split(separator: ";").count }
        return SubmissionDraft(
            school: urn, collectionID: ks4.id, pupils: pupils, sealedPseudonyms: [1, 2, 3], subjectCount: 3, bodySHA256: sha,
            idempotencyKey: key, userID: nil,
            partialAggregate: Array("partial-\(rows)".utf8)
        )
    }

    /// A store with two schools and a KS4 collection.
    static func seed(_ store: Store) async throws {
        try await store.registerSchool(school(urnA), actor: "test")
        try await store.registerSchool(school(urnB), actor: "test")
        try await store.registerCollection(ks4, actor: "test")
    }
}
