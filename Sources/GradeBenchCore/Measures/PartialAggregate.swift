/// Counts of one subject's results for one pupil group.
public struct GradeTally: Codable, Hashable, Sendable {
    /// Results per grade code (non-grades excluded).
    public var counts: [String: Int] = [:]
    /// Graded entries (the base of percentages).
    public var entries = 0
    /// Sum of points of graded entries (for mean points), where the scale has points.
    public var pointsSum = 0.0
    /// Non-grade results (X, ABS), kept apart.
    public var nonGrades = 0

    public init() {}

    mutating func add(_ result: GradeResult) {
        switch result {
        case .grade(let grade):
            counts[grade.code, default: 0] += 1
            entries += 1
            pointsSum += grade.points ?? 0
        case .nonGrade:
            nonGrades += 1
        }
    }

    public mutating func merge(_ other: GradeTally) {
        for (code, count) in other.counts { counts[code, default: 0] += count }
        entries += other.entries
        pointsSum += other.pointsSum
        nonGrades += other.nonGrades
    }
}

/// Summed headline-measure figures for one pupil group, by name (`pupils`, `a8.sum`, `em4`, `rwm.expected`, …).
public struct MeasureTally: Codable, Hashable, Sendable {
    public var values: [String: Double] = [:]

    public init() {}

    public subscript(name: String) -> Double { values[name] ?? 0 }

    mutating func add(_ name: String, _ value: Double) { values[name, default: 0] += value }

    public mutating func merge(_ other: MeasureTally) {
        for (name, value) in other.values { values[name, default: 0] += value }
    }
}

/// A headline figure summed per pupil group; the raw value is its name in the stored form.
public enum MeasureFigure: String, CaseIterable, Sendable {
    case a8Sum = "a8.sum", a8SumSquares = "a8.sumSquares", em4, em5
    case aLevelPoints = "alevel.points", aLevelEntries = "alevel.entries"
    case rwmExpected = "rwm.expected", rwmHigher = "rwm.higher"
    case readingSum = "reading.sum", readingPupils = "reading.pupils", mathsSum = "maths.sum", mathsPupils = "maths.pupils"
}

extension KS4PupilMeasures {
    func forEachFigure(_ body: (MeasureFigure, Double) -> Void) {
        body(.a8Sum, attainment8)
        body(.a8SumSquares, attainment8 * attainment8)
        body(.em4, englishMaths4 ? 1 : 0)
        body(.em5, englishMaths5 ? 1 : 0)
    }
}

/// One school's contribution to a collection, computed when its submission is accepted: everything publication
/// and the school's own analytics need, as sums that merge by addition.
public struct PartialAggregate: Codable, Hashable, Sendable {
    public var keyStage: KeyStage
    public var pupils: Int
    /// Subject code → pupil group (`all`, `pp=Y`, …) → tally.
    public var subjects: [String: [String: GradeTally]]
    /// Pupil group → headline-measure sums.
    public var measures: [String: MeasureTally]

    public init(keyStage: KeyStage) {
        self.keyStage = keyStage
        pupils = 0
        subjects = [:]
        measures = [:]
    }

    /// The aggregate of a validated submission (the keyed form of `encoded(from:)`).
    public init(_ submission: ValidatedSubmission) {
        do {
            try self.init(encoded: Self.encoded(from: submission))
        } catch {
            preconditionFailure("a freshly encoded partial aggregate does not decode (\(error.place))")
        }
    }

    /// One pupil's contribution to the headline-measure sums, figure by figure.
    public static func forEachMeasureFigure(
        keyStage: KeyStage, results: [(Subject, GradeResult)], _ body: (MeasureFigure, Double) -> Void
    ) {
        switch keyStage {
        case .ks4: KS4PupilMeasures(results: results).forEachFigure(body)
        case .ks5:
            let m = KS5PupilMeasures(results: results)
            body(.aLevelPoints, m.aLevelPoints)
            body(.aLevelEntries, Double(m.aLevelEntries))
        case .ks2:
            let m = KS2PupilMeasures(results: results)
            body(.rwmExpected, m.expectedRWM ? 1 : 0)
            body(.rwmHigher, m.higherRWM ? 1 : 0)
            if let reading = m.readingScore {
                body(.readingSum, reading)
                body(.readingPupils, 1)
            }
            if let maths = m.mathsScore {
                body(.mathsSum, maths)
                body(.mathsPupils, 1)
            }
        case .eyfs:
            break
        }
    }

    public mutating func merge(_ other: PartialAggregate) {
        pupils += other.pupils
        for (subject, groups) in other.subjects {
            for (group, tally) in groups { subjects[subject, default: [:]][group, default: GradeTally()].merge(tally) }
        }
        for (group, tally) in other.measures { measures[group, default: MeasureTally()].merge(tally) }
    }
}
