/// A school's own figures for one subject and pupil group, from its partial aggregate: in full (it is the school's
/// own data; nothing is suppressed or rounded but the percentages and mean, as the benchmark's are), for the school
/// alone. Grades in the scale's order, highest first.
public struct OwnDistribution: Hashable, Sendable {
    public let subject: String
    public let group: PupilGroup
    public let grades: [String]
    public let counts: [Int]
    /// Graded entries (non-grades such as X and ABS are kept apart, as in the benchmark).
    public let entries: Int
    /// Non-grade results (X, ABS).
    public let nonGrades: Int
    /// `nil` when there are no graded entries.
    public let percent: [Double]?
    /// At or above each grade; the lowest grade is 100.
    public let cumulativePercent: [Double]?
    /// `nil` where the scale has no points or there are no graded entries.
    public let meanPoints: Double?

    public init(subject: Subject, group: PupilGroup, tally: GradeTally) {
        self.subject = subject.code
        self.group = group
        grades = subject.scale.grades.map(\.code)
        counts = grades.map { tally.counts[$0] ?? 0 }
        entries = tally.entries
        nonGrades = tally.nonGrades
        guard entries > 0 else {
            percent = nil
            cumulativePercent = nil
            meanPoints = nil
            return
        }
        percent = counts.map { FigureRounding.percent($0, of: tally.entries) }
        var atOrAbove = 0
        cumulativePercent = counts.map { count in
            atOrAbove += count
            return FigureRounding.percent(atOrAbove, of: tally.entries)
        }
        meanPoints = subject.scale.hasPoints ? FigureRounding.meanPoints(tally.pointsSum, over: tally.entries) : nil
    }
}
