/// A snapshot's published figures looked up by key: built once per snapshot, then read by every comparison and
/// benchmark request without searching the snapshot's lists.
public struct BenchmarkIndex: Sendable {
    public let content: SnapshotContent
    /// The families a reader may ask for: all schools first, then each published partition.
    public let families: [Family]
    private let subjects: [DistributionKey: PublishedDistribution]
    private let proportions: [DistributionKey: PublishedDistribution]
    private let means: [DistributionKey: PublishedMean]
    private let schoolDistributions: [FigureKey: SchoolDistribution]

    private struct FigureKey: Hashable {
        let family: String
        let figure: String
    }

    public init(_ content: SnapshotContent) {
        self.content = content
        let published = content.families.map(\.family)
        families = published.contains(.all) ? published : [.all] + published
        subjects = Dictionary(content.subjects.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        proportions = Dictionary(content.proportions.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        means = Dictionary(content.means.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        schoolDistributions = Dictionary(
            content.schoolDistributions.map { (FigureKey(family: $0.family, figure: $0.figure), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A subject's published distribution (`nil`: the snapshot has no such table).
    public func subject(_ key: DistributionKey) -> PublishedDistribution? { subjects[key] }

    /// A headline proportion's published two cells (`key.subject` is the measure's raw value).
    public func proportion(_ key: DistributionKey) -> PublishedDistribution? { proportions[key] }

    /// A headline mean as published (`key.subject` is the measure's raw value).
    public func mean(_ key: DistributionKey) -> PublishedMean? { means[key] }

    /// Quartiles and deciles of a school-level figure (a subject code or a headline measure) over a family's schools,
    /// where published.
    public func schoolDistribution(family: Family, figure: String) -> SchoolDistribution? {
        schoolDistributions[FigureKey(family: family.description, figure: figure)]
    }
}
