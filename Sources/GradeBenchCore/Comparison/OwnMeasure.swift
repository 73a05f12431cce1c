/// A school's own value of one headline measure for one pupil group, from its partial aggregate (in full).
public struct OwnMeasure: Hashable, Sendable {
    public let measure: HeadlineMeasure
    public let group: PupilGroup
    /// The group's pupils (a mean's base where the measure has one, e.g. pupils with a reading score).
    public let pupils: Int
    /// Pupils achieving a proportion measure (`nil` for means).
    public let achieved: Int?
    /// The percentage achieving (one decimal place), or the mean (to the measure's decimals); `nil` without pupils.
    public let value: Double?

    public init(measure: HeadlineMeasure, group: PupilGroup, tally: MeasureTally) {
        self.measure = measure
        self.group = group
        let figure = { (name: MeasureFigure?) in tally[name?.rawValue ?? "pupils"] }
        if measure.isProportion {
            let counts = measure.counts(figure)
            pupils = counts.reduce(0, +)
            achieved = counts[0]
            value = pupils > 0 ? FigureRounding.percent(counts[0], of: pupils) : nil
        } else {
            let parts = measure.meanParts(figure)
            pupils = parts.base
            achieved = nil
            value = parts.denominator > 0 ? FigureRounding.rounded(parts.sum / parts.denominator, decimals: measure.decimals) : nil
        }
    }
}
