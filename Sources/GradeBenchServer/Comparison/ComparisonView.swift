import GradeBenchCore
import GradeBenchStore

/// The comparison as JSON (docs/openapi.yaml `Comparison`): each distribution's figures as one array per figure in
/// grade order, like the snapshot; a suppressed benchmark figure is `"c"`; a figure that does not exist (no such
/// benchmark table, no graded entries) is absent or `null`.
struct ComparisonView: Encodable {
    struct SnapshotFacts: Encodable {
        let snapshot: Int64
        let publishedAt: String
        let schools: Int
        let pupils: Int

        init(_ loaded: LoadedSnapshot) {
            snapshot = loaded.id
            publishedAt = JSON.timestamp(loaded.createdAt)
            schools = loaded.schoolCount
            pupils = loaded.index.content.pupils
        }
    }
    struct SubmissionFacts: Encodable {
        let submission: Int64
        let receivedAt: String
    }
    struct OwnFigures: Encodable {
        let entries: Int
        let nonGrades: Int
        let counts: [Int]
        let percent: [Double]?
        let cumulativePercent: [Double]?
        let meanPoints: Double?
    }
    struct BenchmarkFigures: Encodable {
        let entries: Published<Int>
        let counts: [Published<Int>?]
        let percent: [Published<Double>?]
        let cumulativePercent: [Published<Double>?]
        let meanPoints: Published<Double>?
    }
    struct Differences: Encodable {
        let percent: [Published<Double>?]
        let cumulativePercent: [Published<Double>?]
        let meanPoints: Published<Double>?
    }
    struct Schools: Encodable {
        let schools: Int
        let quartiles: [Double]
        let deciles: [Double]

        init?(_ distribution: SchoolDistribution?) {
            guard let distribution else { return nil }
            schools = distribution.schools
            quartiles = distribution.quartiles
            deciles = distribution.deciles
        }
    }
    struct SubjectRow: Encodable {
        let subject: String
        let name: String
        let group: String
        let grades: [String]
        let own: OwnFigures
        let benchmark: BenchmarkFigures?
        let difference: Differences?
        let percentileRank: Int?
        let schoolDistribution: Schools?
    }
    struct MeasureOwn: Encodable {
        let pupils: Int
        let achieved: Int?
        let value: Double?
    }
    struct MeasureBenchmark: Encodable {
        let pupils: Published<Int>?
        let achieved: Published<Int>?
        let value: Published<Double>
    }
    struct MeasureRow: Encodable {
        let measure: String
        let name: String
        let group: String
        let own: MeasureOwn
        let benchmark: MeasureBenchmark?
        let difference: Published<Double>?
        let percentileRank: Int?
        let schoolDistribution: Schools?
    }

    let school: Int
    let collection: String
    let keyStage: String
    let family: String
    let group: String?
    let snapshot: SnapshotFacts
    let submission: SubmissionFacts
    let subjects: [SubjectRow]
    let measures: [MeasureRow]

    init(_ comparison: SchoolComparison, basis: ComparisonBasis, group: PupilGroup?) {
        school = comparison.school.rawValue
        collection = basis.collection
        keyStage = basis.snapshot.index.content.keyStage.rawValue
        family = comparison.family.description
        self.group = group?.description
        snapshot = SnapshotFacts(basis.snapshot)
        submission = SubmissionFacts(submission: basis.submission.id, receivedAt: JSON.timestamp(basis.submission.receivedAt))
        subjects = comparison.subjects.map { row in
            let own = row.own
            let hasDifference = own.percent != nil && row.benchmark != nil
            return SubjectRow(
                subject: row.subject.code, name: row.subject.name, group: own.group.description, grades: own.grades,
                own: OwnFigures(
                    entries: own.entries, nonGrades: own.nonGrades, counts: own.counts, percent: own.percent,
                    cumulativePercent: own.cumulativePercent, meanPoints: own.meanPoints),
                benchmark: row.benchmark.map { benchmark in
                    let grades = row.benchmarkGrades
                    return BenchmarkFigures(
                        entries: benchmark.entries, counts: grades.map { $0?.count }, percent: grades.map { $0?.percent },
                        cumulativePercent: grades.map { $0?.cumulativePercent }, meanPoints: benchmark.meanPoints)
                },
                difference: hasDifference
                    ? Differences(
                        percent: row.percentDifference, cumulativePercent: row.cumulativePercentDifference, meanPoints: row.meanPointsDifference)
                    : nil,
                percentileRank: row.percentileRank, schoolDistribution: Schools(row.schoolDistribution))
        }
        measures = comparison.measures.map { row in
            MeasureRow(
                measure: row.own.measure.rawValue, name: row.own.measure.title, group: row.own.group.description,
                own: MeasureOwn(pupils: row.own.pupils, achieved: row.own.achieved, value: row.own.value),
                benchmark: row.benchmark.map { MeasureBenchmark(pupils: $0.pupils, achieved: $0.achieved, value: $0.value) },
                difference: row.difference, percentileRank: row.percentileRank, schoolDistribution: Schools(row.schoolDistribution))
        }
    }
}
