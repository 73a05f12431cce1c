/// Protects all of one subject's distributions together, because they are linked: a distribution's grades add up
/// to its entries; the groups of one characteristic (with the pupils who have none) add up to all pupils; the
/// families of one school attribute (with the schools that have none) add up to all schools.
///
/// After each distribution is protected on its own, an audit computes for every suppressed cell the interval an
/// attacker can derive from everything published (`LinearBounds`). The attacker is assumed to know every published
/// count exactly, and how many pupils lack each characteristic and how many schools lack each band — more than
/// rounding and the tables tell — so the intervals are, if anything, narrower than a real attacker's. Where an
/// interval is narrower than the policy's minimum width, the smallest published count it is linked with is
/// suppressed too (or, if only totals remain, a linked distribution is withheld), and the audit runs again.
public struct SubjectProtection: Sendable {
    public let control: DisclosureControl
    /// Linked components larger than this get moves before the simplex (`LinkModel.auditLimit`; tests lower it).
    var auditLimit = LinkModel.auditLimit

    public init(control: DisclosureControl) {
        self.control = control
    }

    /// Every distribution of one subject as published, and the suppression report.
    ///
    /// Distributions of a difference family (`Family.difference`, schools in a larger family but not in a smaller
    /// one nested in it) are never published but take part: their cells are unknown to an attacker, and those that
    /// fail the primary rules must not be derivable from the two families' published tables.
    public func protect(
        _ distributions: [DistributionKey: Distribution]
    ) -> (published: [DistributionKey: PublishedDistribution], report: [SuppressedCell]) {
        let outcome = protectLinked(distributions)
        return (Dictionary(uniqueKeysWithValues: outcome.published.map { ($0.key, $0) }), outcome.report)
    }

    /// `protect`, with the published distributions in key order, and how the audit showed the protected cells safe.
    ///
    /// Each round re-protects only the distributions the audit forced cells into (the others' outcome cannot change).
    func protectLinked(
        _ distributions: [DistributionKey: Distribution]
    ) -> (published: [PublishedDistribution], report: [SuppressedCell], audit: SuppressionReport.Audit) {
        let model = LinkModel(distributions)
        let tables = model.keys.map { distributions[$0]! }
        var forced = [Set<Int>](repeating: [], count: tables.count)
        var withheld = [Bool](repeating: false, count: tables.count)
        var outcomes = [(table: PublishedDistribution, report: [SuppressedCell])?](repeating: nil, count: tables.count)
        var changed = Set(tables.indices.filter { !model.isDifference[$0] })
        // Every cell of the difference distributions is unknown to an attacker (never published); those failing the
        // primary rules are protected.
        var hidden = [Bool](repeating: false, count: model.cellCount)
        var sensitive = [Bool](repeating: false, count: model.cellCount)
        for number in tables.indices where model.isDifference[number] {
            let table = tables[number]
            for cell in model.firstCell[number]...model.entries(ofDistribution: number) {
                hidden[cell] = true
                let column = cell - model.firstCell[number]
                let statistics = column < table.grades.count ? table.grades[column] : table.entries
                sensitive[cell] = control.primaryReason(statistics, isBase: column == table.grades.count) != nil
            }
        }
        func finished(_ audit: SuppressionReport.Audit) -> (published: [PublishedDistribution], report: [SuppressedCell], audit: SuppressionReport.Audit) {
            let kept = outcomes.compactMap { $0 }
            return (kept.map(\.table), kept.flatMap { $0.report.sorted { $0.cell < $1.cell } }, audit)
        }
        var memory = AuditMemory()
        while true {
            for number in changed {
                outcomes[number] = control.protect(
                    tables[number], key: model.keys[number], forced: forced[number], withhold: withheld[number])
            }
            guard control.policy.secondarySuppression else { return finished(SuppressionReport.Audit()) }
            var unknown = hidden
            var protected = sensitive
            for number in outcomes.indices {
                guard let table = outcomes[number]?.table else { continue }
                let first = model.firstCell[number]
                if table.entries == .suppressed { unknown[model.entries(ofDistribution: number)] = true }
                for (column, grade) in table.grades.enumerated() where grade.count == .suppressed { unknown[first + column] = true }
                for cell in first...model.entries(ofDistribution: number) where unknown[cell] { protected[cell] = true }
            }
            let (additions, audit) = model.additions(
                unknown: unknown, protected: protected, width: Double(control.policy.minimumIntervalWidth), memory: &memory,
                limit: auditLimit)
            guard !additions.isEmpty else { return finished(audit) }
            changed = []
            for cell in additions {
                let number = model.distributionOf[cell]
                if model.isEntries(cell) {
                    withheld[number] = true
                } else {
                    forced[number].insert(cell - model.firstCell[number])
                }
                changed.insert(number)
            }
        }
    }
}
