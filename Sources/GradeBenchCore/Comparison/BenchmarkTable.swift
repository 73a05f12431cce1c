/// One family's and pupil group's benchmark as a snapshot published it: every subject's distribution, each headline
/// measure, and the school-level quantiles (all pupils). What contributing schools and the DPO read.
public struct BenchmarkTable: Sendable {
    public struct Measure: Sendable {
        public let measure: HeadlineMeasure
        public let value: BenchmarkMeasure
    }

    public let family: Family
    public let group: PupilGroup
    /// In the snapshot's order (subject code).
    public let subjects: [PublishedDistribution]
    /// The key stage's measures in `HeadlineMeasure` order, where the snapshot has them.
    public let measures: [Measure]
    /// Quantiles for the family (subjects' mean points and headline measures; all pupils, so only for group `all`).
    public let schoolDistributions: [SchoolDistribution]

    public init(_ index: BenchmarkIndex, family: Family, group: PupilGroup) {
        self.family = family
        self.group = group
        subjects = index.content.subjects.filter { $0.key.family == family && $0.key.group == group }
        measures = HeadlineMeasure.measures(for: index.content.keyStage).compactMap { measure in
            let key = DistributionKey(family: family, subject: measure.rawValue, group: group)
            return BenchmarkMeasure(measure, proportion: index.proportion(key), mean: index.mean(key)).map { Measure(measure: measure, value: $0) }
        }
        let name = family.description
        schoolDistributions = group == .all ? index.content.schoolDistributions.filter { $0.family == name } : []
    }
}
