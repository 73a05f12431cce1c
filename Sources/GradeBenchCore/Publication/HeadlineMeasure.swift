/// A key stage's headline measures as published (DESIGN.md "National-style measures"), each computed from the
/// summed figures of the partial aggregates (`MeasureTally`).
///
/// A *proportion* (e.g. % achieving 4+ in English and maths) is protected as a two-cell distribution of pupils —
/// achieved, not achieved — with the subjects' machinery: thresholds, the group attribute rule (all or all but two
/// pupils in one cell tells everyone each pupil's result), secondary suppression and the linked audit. A *mean*
/// (Attainment 8, APS per entry, average scaled scores) is published where its base passes the primary rules and no
/// linked relation would let it be recovered from the others (`MeanProtection`).
public enum HeadlineMeasure: String, CaseIterable, Sendable, Codable, Comparable {
    case attainment8 = "attainment8"
    case englishMaths4 = "english-maths-4"
    case englishMaths5 = "english-maths-5"
    case aLevelAPS = "alevel-aps"
    case rwmExpected = "rwm-expected"
    case rwmHigher = "rwm-higher"
    case readingAverage = "reading-average"
    case mathsAverage = "maths-average"

    public enum Kind: Sendable {
        /// Pupils counted in `numerator` out of all pupils of the group.
        case proportion(numerator: MeasureFigure)
        /// `sum` ÷ `denominator`; the pupil base is `base` (`nil`: the group's pupils).
        case mean(sum: MeasureFigure, denominator: MeasureFigure?, base: MeasureFigure?)
    }

    /// The two cells of a proportion.
    public static let proportionCells = ["achieved", "not_achieved"]

    public static func measures(for keyStage: KeyStage) -> [HeadlineMeasure] {
        switch keyStage {
        case .ks4: [.attainment8, .englishMaths4, .englishMaths5]
        case .ks5: [.aLevelAPS]
        case .ks2: [.rwmExpected, .rwmHigher, .readingAverage, .mathsAverage]
        case .eyfs: []
        }
    }

    public var kind: Kind {
        switch self {
        case .attainment8: .mean(sum: .a8Sum, denominator: nil, base: nil)
        case .englishMaths4: .proportion(numerator: .em4)
        case .englishMaths5: .proportion(numerator: .em5)
        case .aLevelAPS: .mean(sum: .aLevelPoints, denominator: .aLevelEntries, base: nil)
        case .rwmExpected: .proportion(numerator: .rwmExpected)
        case .rwmHigher: .proportion(numerator: .rwmHigher)
        case .readingAverage: .mean(sum: .readingSum, denominator: .readingPupils, base: .readingPupils)
        case .mathsAverage: .mean(sum: .mathsSum, denominator: .mathsPupils, base: .mathsPupils)
        }
    }

    /// The measure's name as reports show it.
    public var title: String {
        switch self {
        case .attainment8: "Attainment 8"
        case .englishMaths4: "English and maths at grade 4 or above (%)"
        case .englishMaths5: "English and maths at grade 5 or above (%)"
        case .aLevelAPS: "A level average point score per entry"
        case .rwmExpected: "Reading, writing and maths at the expected standard (%)"
        case .rwmHigher: "Reading, writing and maths at the higher standard (%)"
        case .readingAverage: "Reading average scaled score"
        case .mathsAverage: "Maths average scaled score"
        }
    }

    /// Decimal places a mean is published (and a school's own value shown) to; proportions are percentages (one).
    public var decimals: Int { self == .aLevelAPS ? 2 : 1 }

    public var isProportion: Bool {
        if case .proportion = kind { return true }
        return false
    }

    /// One school's (or group's) counts for a proportion: achieved, not achieved. `figure` gives a measure line's
    /// summed figures (`nil`: its pupils).
    func counts(_ figure: (MeasureFigure?) -> Double) -> [Int] {
        guard case .proportion(let numerator) = kind else { return [] }
        let pupils = Int(figure(nil).rounded())
        let achieved = Int(figure(numerator).rounded())
        return [achieved, pupils - achieved]
    }

    /// A mean's sum, denominator and pupil base from one measure line's figures.
    func meanParts(_ figure: (MeasureFigure?) -> Double) -> (sum: Double, denominator: Double, base: Int) {
        guard case .mean(let sum, let denominator, let base) = kind else { return (0, 0, 0) }
        let pupils = figure(nil)
        return (figure(sum), denominator.map(figure) ?? pupils, Int((base.map(figure) ?? pupils).rounded()))
    }

    public static func < (lhs: HeadlineMeasure, rhs: HeadlineMeasure) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A headline mean's figures for one family and pupil group, merged school by school.
public struct MeanTally: Sendable {
    /// Pupils in the base, per school (thresholds and the p% rule apply to it).
    public internal(set) var base: CellStatistics
    public internal(set) var sum = 0.0
    public internal(set) var denominator = 0.0

    init(coalition: Int) {
        base = CellStatistics(coalition: coalition)
    }

    mutating func add(_ parts: (sum: Double, denominator: Double, base: Int)) {
        base.add(parts.base)
        sum += parts.sum
        denominator += parts.denominator
    }

    /// Another merge's tally (of other schools) added to this one.
    mutating func absorb(_ other: MeanTally) {
        base.absorb(other.base)
        sum += other.sum
        denominator += other.denominator
    }

    public var value: Double? { denominator > 0 ? sum / denominator : nil }
}
