/// One school's own figures next to the collaboration benchmark (DESIGN.md "The pipeline"): for every subject it
/// entered and every headline measure of the key stage, per pupil group, its own figures in full, the latest
/// snapshot's benchmark for the matching family and group (suppressed cells stay `c`), the differences where both
/// exist, and its percentile rank where the snapshot published one. Nothing here reads another school's figures:
/// the benchmark is the published snapshot, and the ranks are this school's own.
public struct SchoolComparison: Sendable {
    public let school: URN
    public let family: Family
    public let subjects: [SubjectComparison]
    public let measures: [MeasureComparison]

    /// `groups`: the pupil groups to compare (`nil`: every group the school has). Subjects in catalogue order,
    /// groups in `PupilGroup.every` order.
    public init(
        school: URN, own: PartialAggregate, benchmark: BenchmarkIndex, family: Family, groups: [PupilGroup]?,
        catalogue: SubjectCatalogue
    ) {
        self.school = school
        self.family = family
        let wanted = groups ?? PupilGroup.every
        let ranks = Dictionary(
            benchmark.content.ranks(of: school).filter { $0.family == family.description }.map { ($0.figure, $0.rank) },
            uniquingKeysWith: { first, _ in first })
        var subjects: [SubjectComparison] = []
        for subject in catalogue.subjects {
            guard let tallies = own.subjects[subject.code] else { continue }
            for group in wanted {
                guard let tally = tallies[group.description], tally.entries + tally.nonGrades > 0 else { continue }
                let isAll = group == .all
                subjects.append(
                    SubjectComparison(
                        subject: subject, own: OwnDistribution(subject: subject, group: group, tally: tally),
                        benchmark: benchmark.subject(DistributionKey(family: family, subject: subject.code, group: group)),
                        percentileRank: isAll ? ranks[subject.code] : nil,
                        schoolDistribution: isAll ? benchmark.schoolDistribution(family: family, figure: subject.code) : nil))
            }
        }
        self.subjects = subjects
        var measures: [MeasureComparison] = []
        for measure in HeadlineMeasure.measures(for: own.keyStage) {
            for group in wanted {
                guard let tally = own.measures[group.description], tally["pupils"] > 0 else { continue }
                let key = DistributionKey(family: family, subject: measure.rawValue, group: group)
                let isAll = group == .all
                measures.append(
                    MeasureComparison(
                        own: OwnMeasure(measure: measure, group: group, tally: tally),
                        benchmark: BenchmarkMeasure(measure, proportion: benchmark.proportion(key), mean: benchmark.mean(key)),
                        percentileRank: isAll ? ranks[measure.rawValue] : nil,
                        schoolDistribution: isAll ? benchmark.schoolDistribution(family: family, figure: measure.rawValue) : nil))
            }
        }
        self.measures = measures
    }

    /// Own minus benchmark, to `decimals` places: suppressed where the benchmark is, `nil` where either is missing.
    static func difference(_ own: Double?, _ benchmark: Published<Double>?, decimals: Int) -> Published<Double>? {
        guard let own, let benchmark else { return nil }
        guard let value = benchmark.value else { return .suppressed }
        return .value(FigureRounding.rounded(own - value, decimals: decimals))
    }
}

/// One subject and pupil group: the school's own distribution, the benchmark's, and the differences.
public struct SubjectComparison: Sendable {
    public let subject: Subject
    public let own: OwnDistribution
    /// `nil`: the snapshot has no table for this subject, family and group (GSS `x`, not available).
    public let benchmark: PublishedDistribution?
    /// The benchmark's figures at each of the scale's grades (`own.grades` order; `nil` where it has none).
    public let benchmarkGrades: [PublishedGrade?]
    /// Percentage points, own minus benchmark, at each of the scale's grades (`own.grades` order).
    public let percentDifference: [Published<Double>?]
    public let cumulativePercentDifference: [Published<Double>?]
    /// Mean points, own minus benchmark.
    public let meanPointsDifference: Published<Double>?
    /// The school's place among the family's schools by mean points (all pupils only), where published.
    public let percentileRank: Int?
    public let schoolDistribution: SchoolDistribution?

    init(
        subject: Subject, own: OwnDistribution, benchmark: PublishedDistribution?, percentileRank: Int?,
        schoolDistribution: SchoolDistribution?
    ) {
        self.subject = subject
        self.own = own
        self.benchmark = benchmark
        self.percentileRank = percentileRank
        self.schoolDistribution = schoolDistribution
        let published = Dictionary((benchmark?.grades ?? []).map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let benchmarkGrades = own.grades.map { published[$0] }
        self.benchmarkGrades = benchmarkGrades
        percentDifference = own.grades.indices.map { index in
            SchoolComparison.difference(own.percent?[index], benchmarkGrades[index]?.percent, decimals: 1)
        }
        cumulativePercentDifference = own.grades.indices.map { index in
            SchoolComparison.difference(own.cumulativePercent?[index], benchmarkGrades[index]?.cumulativePercent, decimals: 1)
        }
        meanPointsDifference = SchoolComparison.difference(own.meanPoints, benchmark?.meanPoints ?? nil, decimals: 2)
    }
}

/// A headline measure's benchmark as published: the value (percentage achieving, or the mean), and for a proportion
/// its rounded pupil counts.
public struct BenchmarkMeasure: Sendable {
    public let pupils: Published<Int>?
    public let achieved: Published<Int>?
    public let value: Published<Double>

    /// `nil` when the snapshot has no figure for the key.
    init?(_ measure: HeadlineMeasure, proportion: PublishedDistribution?, mean: PublishedMean?) {
        if measure.isProportion {
            guard let proportion, let achieved = proportion.grades.first(where: { $0.code == HeadlineMeasure.proportionCells[0] })
            else { return nil }
            pupils = proportion.entries
            self.achieved = achieved.count
            value = achieved.percent
        } else {
            guard let mean else { return nil }
            pupils = nil
            achieved = nil
            value = mean.value
        }
    }
}

/// One headline measure and pupil group: the school's own value, the benchmark's, and the difference (percentage
/// points for proportions, the measure's units for means).
public struct MeasureComparison: Sendable {
    public let own: OwnMeasure
    public let benchmark: BenchmarkMeasure?
    public let difference: Published<Double>?
    public let percentileRank: Int?
    public let schoolDistribution: SchoolDistribution?

    init(own: OwnMeasure, benchmark: BenchmarkMeasure?, percentileRank: Int?, schoolDistribution: SchoolDistribution?) {
        self.own = own
        self.benchmark = benchmark
        self.percentileRank = percentileRank
        self.schoolDistribution = schoolDistribution
        difference = SchoolComparison.difference(
            own.value, benchmark?.value, decimals: own.measure.isProportion ? 1 : own.measure.decimals)
    }
}
