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
        let prepared = try prepare(keyStage: keyStage, schools: schools, aggregate: aggregate)
        try checkGuards(prepared, earlier: earlier)
        return (prepared.content, prepared.report)
    }

    /// A protected snapshot whose release guards are still to be checked (`checkGuards`): a caller may encode it
    /// meanwhile, and must not store it unless the guards find nothing.
    public struct Prepared: Sendable {
        public let content: SnapshotContent
        public let report: SuppressionReport
        let tables: BenchmarkTables
    }

    /// Everything of a publication but the release guards: the tables merged and protected, the snapshot content and
    /// the DPO's report.
    public func prepare(keyStage: KeyStage, schools: [School], aggregate: @Sendable (School) throws -> [UInt8]) throws -> Prepared {
        let schools = schools.sorted { $0.urn < $1.urn }
        let tables = try BenchmarkTables(
            keyStage: keyStage, schools: schools, catalogue: catalogue, coalition: policy.dominanceCoalition, aggregate: aggregate)
        let control = DisclosureControl(policy: policy)
        let contributors = schools.map(\.urn)
        let (protected, quantiles) = Self.protectAndRank(tables, control: control, contributors: contributors)
        let subjects = protected.subjects.published
        let proportions = protected.proportions.published
        var entries = protected.subjects.entries + protected.proportions.entries
        var audit = protected.subjects.audit
        audit.add(protected.proportions.audit)
        let (schoolDistributions, ranks) = (quantiles.distributions, quantiles.ranks)

        var means: [PublishedMean] = []
        for measure in HeadlineMeasure.measures(for: keyStage) where !measure.isProportion {
            let (published, report) = MeanProtection(control: control).protect(
                tables.means.filter { $0.key.subject == measure.rawValue }, decimals: measure.decimals)
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
        return Prepared(content: content, report: SuppressionReport(entries: entries, audit: audit), tables: tables)
    }

    /// The release guards against the collection's `earlier` snapshots and within the snapshot itself (unless the
    /// policy turns them off); throws `ReleaseGuard.Refusal` listing what they find. The snapshot may be stored only
    /// when this returns.
    public func checkGuards(_ prepared: Prepared, earlier: [(id: Int64, digest: ReleaseGuard.Digest)]) throws {
        guard policy.releaseGuard else { return }
        let findings = ReleaseGuard(policy: policy).check(prepared.content, tables: prepared.tables, earlier: earlier)
        if !findings.isEmpty { throw ReleaseGuard.Refusal(findings: findings) }
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

    /// Each subject's (and proportion measure's) linked tables are protected on their own, and each school-level
    /// figure's quantiles need nothing from disclosure control: all of them are items of one pool of work on every
    /// core, put back in key order. One pool, not one nested in another: libdispatch runs a `concurrentPerform`
    /// started inside another one's iteration on that iteration's thread alone. The linked tables go first, the
    /// smallest subjects (most suppressed, so the longest audits) before the larger ones; the quantiles, many small
    /// items, fill in at the end. The order changes only which core does what, never a result.
    private static func protectAndRank(
        _ tables: BenchmarkTables, control: DisclosureControl, contributors: [URN]
    ) -> (protected: ProtectedTables, quantiles: (distributions: [SchoolDistribution], ranks: [RankList])) {
        let protection = SubjectProtection(control: control)
        let subjects = tables.subjectTables.sorted(by: { $0.key < $1.key }).map(\.value)
        let proportions = tables.proportionTables.sorted(by: { $0.key < $1.key }).map(\.value)
        let linked = subjects + proportions
        let quantiles = SchoolQuantiles(tables, contributors: contributors, policy: control.policy)
        let figures = quantiles.figures
        let entries = linked.map { $0.values.reduce(0) { $0 + $1.entries.total } }
        let order = linked.indices.sorted { (entries[$0], $0) < (entries[$1], $1) }
        let outcomes = Mutex([Int: ([PublishedDistribution], [SuppressedCell], SuppressionReport.Audit)]())
        let ranked = Mutex([Int: (distributions: [SchoolDistribution], ranks: [RankList])]())
        DispatchQueue.concurrentPerform(iterations: linked.count + figures.count) { item in
            if item < linked.count {
                let outcome = protection.protectLinked(linked[order[item]])
                outcomes.withLock { $0[order[item]] = outcome }
            } else {
                let figure = item - linked.count
                let computed = quantiles.compute(figure: figures[figure])
                ranked.withLock { $0[figure] = computed }
            }
        }
        return outcomes.withLock { outcomes in
            ranked.withLock { ranked in
                func table(_ range: Range<Int>, named name: String) -> ProtectedTable {
                    var published: [PublishedDistribution] = []
                    var entries: [SuppressionReport.Entry] = []
                    var audit = SuppressionReport.Audit()
                    for index in range {
                        let (tables, report, shown) = outcomes[index]!
                        published += tables
                        entries += report.map { SuppressionReport.Entry(table: name, cell: $0) }
                        audit.add(shown)
                    }
                    return ProtectedTable(published: DistributionKey.sorted(published, by: \.key), entries: entries, audit: audit)
                }
                let protected = ProtectedTables(
                    subjects: table(0..<subjects.count, named: "subject"), proportions: table(subjects.count..<linked.count, named: "proportion"))
                let figures = figures.indices.map { ranked[$0]! }
                return (protected, (figures.flatMap(\.distributions), figures.flatMap(\.ranks)))
            }
        }
    }
}
