/// A headline mean as published for one family and pupil group.
public struct PublishedMean: Hashable, Sendable {
    public let key: DistributionKey
    public let value: Published<Double>
}

/// Protects one headline mean over every family and pupil group.
///
/// A mean is published where its base (pupils) passes the pupil and school thresholds and the p% rule. Means are
/// linked like counts: a group's and its complement's sums add up to all pupils' (and the families of one dimension
/// to all schools', a nested family and its difference to the larger one), so with the bases known a lone hidden
/// mean in such a relation could be recovered from the others. No relation may hold exactly one hidden mean that
/// is protected: the published member with the smallest base is suppressed too, until none does. (A mean is not a
/// pupil count, so the interval-width audit of counts does not apply; two hidden means in one relation leave one
/// equation in two unknowns.)
struct MeanProtection {
    let control: DisclosureControl

    func protect(_ means: [DistributionKey: MeanTally], decimals: Int) -> (published: [DistributionKey: PublishedMean], report: [SuppressedCell]) {
        var reasons: [DistributionKey: SuppressionReason] = [:]
        var sensitive: Set<DistributionKey> = []
        for (key, mean) in means {
            let reason = mean.value == nil ? .pupilThreshold : control.primaryReason(mean.base, isBase: true)
            if key.family.isDifference {
                if reason != nil { sensitive.insert(key) }
            } else if let reason {
                reasons[key] = reason
            }
        }
        let relations = Self.relations(Set(means.keys))
        if control.policy.secondarySuppression {
            var changed = true
            while changed {
                changed = false
                for relation in relations {
                    let hidden = relation.filter { $0.family.isDifference || reasons[$0] != nil }
                    guard hidden.count == 1, sensitive.contains(hidden[0]) || reasons[hidden[0]] != nil else { continue }
                    let candidates = relation.filter { !$0.family.isDifference && reasons[$0] == nil }
                    guard let next = candidates.min(by: { (means[$0]!.base.total, $0) < (means[$1]!.base.total, $1) }) else { continue }
                    reasons[next] = .secondary
                    changed = true
                }
            }
        }
        var published: [DistributionKey: PublishedMean] = [:]
        var report: [SuppressedCell] = []
        for (key, mean) in means where !key.family.isDifference {
            if let reason = reasons[key] {
                published[key] = PublishedMean(key: key, value: .suppressed)
                report.append(SuppressedCell(key: key, cell: "value", reason: reason))
            } else {
                published[key] = PublishedMean(key: key, value: .value(FigureRounding.rounded(mean.value!, decimals: decimals)))
            }
        }
        return (published, report.sorted { $0.key < $1.key })
    }

    /// Each relation's members (the whole and its parts), sorted, in a deterministic order.
    static func relations(_ keys: Set<DistributionKey>) -> [[DistributionKey]] {
        var relations: [[DistributionKey]] = []
        let families = Set(keys.map(\.family)).sorted()
        let groups = Set(keys.map(\.group)).sorted()
        guard let measure = keys.first?.subject else { return [] }
        func key(_ family: Family, _ group: PupilGroup) -> DistributionKey { DistributionKey(family: family, subject: measure, group: group) }
        func add(_ parts: [DistributionKey], whole: DistributionKey) {
            let present = parts.filter(keys.contains)
            if keys.contains(whole), !present.isEmpty { relations.append([whole] + present) }
        }
        for family in families {
            for column in PupilCharacteristics.columns {
                add(column.values.map { key(family, PupilGroup(dimension: column.name, value: $0)) }, whole: key(family, .all))
            }
        }
        for group in groups {
            for dimension in Family.Dimension.partitions {
                add(families.filter { $0.dimension == dimension }.map { key($0, group) }, whole: key(.all, group))
            }
            for family in families {
                if case .difference(let smaller, let larger) = family.kind {
                    add([key(smaller, group), key(family, group)], whole: key(larger, group))
                }
            }
        }
        return relations
    }
}
