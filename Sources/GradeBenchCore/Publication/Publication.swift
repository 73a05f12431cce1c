import Dispatch
import Synchronization

/// One publication, start to finish, in Core (no I/O): merge the contributing schools' partial aggregates into
/// tables, protect every subject and headline measure (`SubjectProtection`, `MeanProtection`), compute the school
/// distributions, then check the release guards against the collection's earlier snapshots.
public struct Publication: Sendable {
    public let policy: SuppressionPolicy
    public let policyHash: String
    public let catalogue: SubjectCatalogue

    public init(policy: SuppressionPolicy, policyHash: String, catalogue: SubjectCatalogue = .standard) {
        self.policy = policy
        self.policyHash = policyHash
        self.catalogue = catalogue
    }

    /// The snapshot content and the DPO's report; throws `ReleaseGuard.Refusal` when a guard fails.
    public func publish(
        keyStage: KeyStage, contributions: [Contribution], earlier: [(id: Int64, content: SnapshotContent)]
    ) throws -> (content: SnapshotContent, report: SuppressionReport) {
        let aggregates = Dictionary(uniqueKeysWithValues: contributions.map { ($0.school.urn, $0.aggregate) })
        let digests = earlier.map { (id: $0.id, digest: ReleaseGuard.Digest($0.content)) }
        return try publish(keyStage: keyStage, schools: contributions.map(\.school), earlier: digests) { aggregates[$0.urn]!.encoded() }
    }

    /// The same, reading each contributing school's stored partial aggregate from `aggregate` in turn.
    public func publish(
        keyStage: KeyStage, schools: [School], earlier: [(id: Int64, digest: ReleaseGuard.Digest)],
        aggregate: @Sendable (School) throws -> [UInt8]
    ) throws -> (content: SnapshotContent, report: SuppressionReport) {
        let schools = schools.sorted { $0.urn < $1.urn }
        let tables = try BenchmarkTables(
            keyStage: keyStage, schools: schools, catalogue: catalogue, coalition: policy.dominanceCoalition, aggregate: aggregate)
        let control = DisclosureControl(policy: policy)
        var entries: [SuppressionReport.Entry] = []
        var relationChecked = 0

        // Subjects are independent of one another: they are protected in parallel, and put back in subject order.
        func protectAll(_ distributions: [DistributionKey: Distribution], table: String) -> [PublishedDistribution] {
            let protection = SubjectProtection(control: control)
            let groups = BenchmarkTables.bySubject(distributions).sorted(by: { $0.key < $1.key }).map(\.value)
            let outcomes = Mutex([Int: ([PublishedDistribution], [SuppressedCell], Int)]())
            DispatchQueue.concurrentPerform(iterations: groups.count) { index in
                let (published, report, limited) = protection.protectLinked(groups[index])
                outcomes.withLock { $0[index] = (published, report, limited) }
            }
            var published: [PublishedDistribution] = []
            outcomes.withLock { outcomes in
                for index in groups.indices {
                    let (tables, report, limited) = outcomes[index]!
                    published += tables
                    entries += report.map { SuppressionReport.Entry(table: table, cell: $0) }
                    relationChecked += limited
                }
            }
            return published.sorted { $0.key < $1.key }
        }
        let subjects = protectAll(tables.distributions, table: "subject")
        let proportions = protectAll(tables.proportions, table: "proportion")

        var means: [PublishedMean] = []
        for measure in HeadlineMeasure.measures(for: keyStage) where !measure.isProportion {
            let (published, report) = MeanProtection(control: control).protect(
                tables.means.filter { $0.key.subject == measure.rawValue }, decimals: measure == .aLevelAPS ? 2 : 1)
            means += published.values
            entries += report.map { SuppressionReport.Entry(table: "mean", cell: $0) }
        }
        means.sort { $0.key < $1.key }

        let families = tables.members.keys.filter { !$0.isDifference }.sorted().map { family in
            let count = tables.members[family]!.count
            return PublishedFamily(family: family, schools: count >= policy.schoolThreshold ? .value(count) : .suppressed)
        }
        let contributors = schools.map(\.urn)
        let (schoolDistributions, ranks) = SchoolQuantiles.compute(tables, contributors: contributors, policy: policy)
        let content = SnapshotContent(
            keyStage: keyStage, policyHash: policyHash, schools: tables.schoolCount, pupils: control.rounded(tables.pupilCount),
            families: families, subjects: subjects, proportions: proportions, means: means,
            schoolDistributions: schoolDistributions, rankLists: ranks, contributors: contributors
        )
        if policy.releaseGuard {
            let findings = ReleaseGuard(policy: policy).check(content, tables: tables, earlier: earlier)
            if !findings.isEmpty { throw ReleaseGuard.Refusal(findings: findings) }
        }
        return (content, SuppressionReport(entries: entries, relationCheckedCells: relationChecked))
    }
}
