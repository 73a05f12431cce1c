/// A published figure, or the GSS symbol `c` (suppressed: no value). Primary and secondary suppression look the
/// same; the reason goes only to the DPO's suppression report.
public enum Published<Value: Hashable & Sendable>: Hashable, Sendable {
    case value(Value)
    case suppressed

    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// Why a cell is not published (the DPO's suppression report).
public enum SuppressionReason: String, Hashable, Sendable, CaseIterable, Codable {
    /// Fewer pupils than the pupil threshold.
    case pupilThreshold = "pupil_threshold"
    /// Fewer contributing schools than the school threshold.
    case schoolThreshold = "school_threshold"
    /// The p% rule: a coalition of schools could estimate the largest contribution too closely.
    case dominance
    /// Insiders: a coalition of contributing schools subtracting their own contributions would be left with fewer
    /// pupils than the pupil threshold (the other schools' count).
    case insider
    /// All pupils, or all but a few, share one grade: publishing would tell everyone each pupil's grade.
    case groupAttribute = "group_attribute"
    /// The distribution's base (entries) is suppressed, so nothing computed from it is published.
    case base
    /// Suppressed so that another suppressed cell cannot be recovered from what is published.
    case secondary
}

/// One suppressed cell and its reason: `cell` is `entries`, `mean`, or a grade code.
public struct SuppressedCell: Hashable, Sendable {
    public let key: DistributionKey
    public let cell: String
    public let reason: SuppressionReason
}

/// One grade's published figures.
public struct PublishedGrade: Hashable, Sendable {
    public let code: String
    /// Rounded count.
    public let count: Published<Int>
    /// Of entries, from the rounded counts, to one decimal place.
    public let percent: Published<Double>
    /// At or above this grade, from the rounded counts, to one decimal place (the lowest grade is 100).
    public let cumulativePercent: Published<Double>
}

/// A distribution as published: rounded entries, per grade rounded counts, percentages and cumulative
/// percentages, and mean points (`nil` where the scale has no points).
public struct PublishedDistribution: Hashable, Sendable {
    public let key: DistributionKey
    public let entries: Published<Int>
    public let grades: [PublishedGrade]
    public let meanPoints: Published<Double>?
}
