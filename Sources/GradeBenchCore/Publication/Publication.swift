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
        let contributors = schools.map(\.urn)
        // The school distributions need nothing from disclosure control: they are computed while the subjects are
        // protected.
        let quantiles = Mutex<(distributions: [SchoolDistribution], ranks: [RankList])?>(nil)
        let protected = Mutex<ProtectedTables?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { task in
            if task == 0 {
                let subjects = Self.protectAll(tables.distributions, table: "subject", control: control)
                let proportions = Self.protectAll(tables.proportions, table: "proportion", control: control)
                protected.withLock { $0 = ProtectedTables(subjects: subjects, proportions: proportions) }
            } else {
                let computed = SchoolQuantiles.compute(tables, contributors: contributors, policy: policy)
                quantiles.withLock { $0 = computed }
            }
        }
        let (subjectTables, proportionTables) = protected.withLock { ($0!.subjects, $0!.proportions) }
        let (schoolDistributions, ranks) = quantiles.withLock { $0! }
        let subjects = subjectTables.published
        let proportions = proportionTables.published
        var entries = subjectTables.entries + proportionTables.entries
        var audit = subjectTables.audit
        audit.add(proportionTables.audit)

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
        let content = SnapshotContent(
            keyStage: keyStage, policyHash: policyHash, schools: tables.schoolCount, pupils: control.rounded(tables.pupilCount),
            families: families, subjects: subjects, proportions: proportions, means: means,
            schoolDistributions: schoolDistributions, rankLists: ranks, contributors: contributors
        )
        if policy.releaseGuard {
            let findings = ReleaseGuard(policy: policy).check(content, tables: tables, earlier: earlier)
            if !findings.isEmpty { throw ReleaseGuard.Refusal(findings: findings) }
        }
        return (content, SuppressionReport(entries: entries, audit: audit))
    }

    private struct ProtectedTables: Sendable {
        let subjects: ProtectedTable
        let proportions: ProtectedTable
    }

    private struct ProtectedTable: Sendable {
        let published: [PublishedDistribution]
        let entries: [SuppressionReport.Entry]
        let audit: SuppressionReport.Audit
    }

    /// Subjects are independent of one another: they are protected in parallel, and put back in key order.
    private static func protectAll(
        _ distributions: [DistributionKey: Distribution], table: String, control: DisclosureControl
    ) -> ProtectedTable {
        let protection = SubjectProtection(control: control)
        let groups = BenchmarkTables.bySubject(distributions).sorted(by: { $0.key < $1.key }).map(\.value)
        let outcomes = Mutex([Int: ([PublishedDistribution], [SuppressedCell], SuppressionReport.Audit)]())
        DispatchQueue.concurrentPerform(iterations: groups.count) { index in
            let outcome = protection.protectLinked(groups[index])
            outcomes.withLock { $0[index] = outcome }
        }
        return outcomes.withLock { outcomes in
            var published: [PublishedDistribution] = []
            var entries: [SuppressionReport.Entry] = []
            var audit = SuppressionReport.Audit()
            for index in groups.indices {
                let (tables, report, shown) = outcomes[index]!
                published += tables
                entries += report.map { SuppressionReport.Entry(table: table, cell: $0) }
                audit.add(shown)
            }
            return ProtectedTable(published: published.sorted { $0.key < $1.key }, entries: entries, audit: audit)
        }
    }
}
