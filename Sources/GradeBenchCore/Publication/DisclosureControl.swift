/// Disclosure control driven by the suppression policy (policies/suppression.yaml; defaults and reasoning in
/// DESIGN.md): decides what of each table is published, rounds it, and says why everything else is not.
public struct DisclosureControl: Sendable {
    public let policy: SuppressionPolicy

    public init(policy: SuppressionPolicy) {
        self.policy = policy
    }

    /// Deterministic rounding of a published count to the nearest multiple of the policy's base.
    public func rounded(_ count: Int) -> Int {
        let base = policy.roundingBase
        return (count + base / 2) / base * base
    }

    /// The primary rules for one count: the pupil threshold, the school threshold, the p% rule, and insiders (two
    /// schools pooling their own contributions must still not learn a count below the pupil threshold). A true zero (no
    /// school contributes) is published: it discloses no pupil, and it makes every suppressed cell at least 1.
    func primaryReason(_ cell: CellStatistics, isBase: Bool = false) -> SuppressionReason? {
        if cell.total == 0 && !isBase { return nil }
        if cell.total < policy.pupilThreshold { return .pupilThreshold }
        if cell.schools < policy.schoolThreshold { return .schoolThreshold }
        if cell.isDominated(percent: policy.dominancePercent) { return .dominance }
        if cell.remainderAfterCoalition < policy.pupilThreshold { return .insider }
        return nil
    }

    /// Protects one distribution on its own: primary rules for the base and every grade, the group attribute
    /// rule, secondary suppression within the distribution (grades add up to the entries), rounding.
    ///
    /// Within a distribution an attacker knows the published entries and counts (the audit assumes exactly, which
    /// is more than rounding leaves them) and that every suppressed count is at least 1 (true zeros are published).
    /// With k suppressed counts summing to S, each lies in [1, S − (k − 1)]: an interval of width S − k. Cells are
    /// added, smallest first, until that width reaches the policy's minimum and no suppressed count stands alone.
    ///
    /// `forced` names grade positions to suppress as well and `withhold` withholds the whole distribution: what
    /// protection across linked distributions (`SubjectProtection`) decides.
    public func protect(
        _ distribution: Distribution, key: DistributionKey, forced: Set<Int> = [], withhold: Bool = false
    ) -> (PublishedDistribution, [SuppressedCell]) {
        let grades = distribution.cells
        let hasPoints = distribution.hasPoints
        func withheld(_ reason: SuppressionReason) -> (PublishedDistribution, [SuppressedCell]) {
            let published = PublishedDistribution(
                key: key, entries: .suppressed,
                grades: grades.map {
                    PublishedGrade(code: $0, count: .suppressed, percent: .suppressed, cumulativePercent: .suppressed)
                },
                meanPoints: hasPoints ? .suppressed : nil
            )
            let cells = ["entries"] + grades + (hasPoints ? ["mean"] : [])
            return (published, cells.map { SuppressedCell(key: key, cell: $0, reason: $0 == "entries" ? reason : .base) })
        }

        if let reason = primaryReason(distribution.entries, isBase: true) { return withheld(reason) }
        if withhold { return withheld(.secondary) }
        let counts = distribution.grades.map(\.total)
        if policy.groupAttributeRule, let largest = counts.max(),
            largest >= distribution.entries.total - policy.groupAttributeMaximumOthers
        {
            return withheld(.groupAttribute)
        }

        var reasons: [SuppressionReason?] = distribution.grades.indices.map { index in
            primaryReason(distribution.grades[index]) ?? (forced.contains(index) ? .secondary : nil)
        }
        if policy.secondarySuppression {
            while true {
                let suppressed = reasons.indices.filter { reasons[$0] != nil }
                let hidden = suppressed.reduce(0) { $0 + counts[$1] }
                guard !suppressed.isEmpty, suppressed.count == 1 || hidden - suppressed.count < policy.minimumIntervalWidth
                else { break }
                let candidates = counts.indices.filter { reasons[$0] == nil && counts[$0] > 0 }
                guard let next = candidates.min(by: { (counts[$0], $0) < (counts[$1], $1) }) else {
                    return withheld(.secondary)
                }
                reasons[next] = .secondary
            }
        }

        let entries = rounded(distribution.entries.total)
        let published = counts.indices.map { reasons[$0] == nil ? rounded(counts[$0]) : nil }
        func percent(_ count: Int) -> Double { FigureRounding.percent(count, of: entries) }
        var publishedGrades: [PublishedGrade] = []
        for (index, grade) in grades.enumerated() {
            // At or above this grade: from the counts at or above it, or from the entries less the counts below it,
            // whichever is wholly published (otherwise it would reveal a suppressed count).
            let above = published[...index]
            let below = published[(index + 1)...]
            let cumulative: Published<Double>
            if index == grades.count - 1 {
                // At or above the lowest grade is every entry: 100 by definition (DESIGN.md), even where the rounded
                // counts add up to a little more or less than the rounded entries.
                cumulative = .value(100)
            } else if above.allSatisfy({ $0 != nil }) {
                cumulative = .value(min(100, percent(above.reduce(0) { $0 + $1! })))
            } else if below.allSatisfy({ $0 != nil }) {
                cumulative = .value(max(0, percent(entries - below.reduce(0) { $0 + $1! })))
            } else {
                cumulative = .suppressed
            }
            publishedGrades.append(
                PublishedGrade(
                    code: grade, count: published[index].map { .value($0) } ?? .suppressed,
                    percent: published[index].map { .value(percent($0)) } ?? .suppressed, cumulativePercent: cumulative
                )
            )
        }
        // Mean points only where every count is published: with a count suppressed, the exact points sum would be
        // one more equation an attacker could solve with.
        let allPublished = reasons.allSatisfy { $0 == nil }
        let mean: Published<Double>? =
            hasPoints
            ? (allPublished ? .value(FigureRounding.meanPoints(distribution.pointsSum, over: distribution.entries.total)) : .suppressed)
            : nil
        var report = counts.indices.compactMap { index in
            reasons[index].map { SuppressedCell(key: key, cell: grades[index], reason: $0) }
        }
        if hasPoints && !allPublished { report.append(SuppressedCell(key: key, cell: "mean", reason: .secondary)) }
        return (
            PublishedDistribution(key: key, entries: .value(entries), grades: publishedGrades, meanPoints: mean), report
        )
    }
}
