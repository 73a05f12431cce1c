/// One grade on one scale. Grades on the same scale are ordered by `rank` (higher is better).
public struct Grade: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public let scale: GradeScale
    /// Canonical code as published (`9`, `5-4`, `A*`, `L2D*`, `104`, `EXS`, `EXP`).
    public let code: String
    /// Position on the scale: 1 is the lowest grade.
    public let rank: Int
    /// Points for headline measures, or `nil` where the scale has none (writing TA, EYFS).
    public let points: Double?

    public static func < (lhs: Grade, rhs: Grade) -> Bool {
        precondition(lhs.scale == rhs.scale, "grades on different scales are not comparable")
        return lhs.rank < rhs.rank
    }

    public var description: String { code }
}

/// A recorded result that is not a grade: kept apart and excluded from distributions.
public enum NonGrade: String, Codable, Sendable, CaseIterable {
    /// `X`: no result (not entered, withdrawn, result not available).
    case noResult = "X"
    /// `ABS`: absent from the assessment.
    case absent = "ABS"

    public init?(code: String) {
        switch code {
        case "X": self = .noResult
        case "ABS", "ABSENT": self = .absent
        default: return nil
        }
    }
}

/// What one submitted grade cell holds.
public enum GradeResult: Hashable, Sendable {
    case grade(Grade)
    case nonGrade(NonGrade)

    public var grade: Grade? {
        if case .grade(let grade) = self { return grade }
        return nil
    }

    /// Canonical text as stored and published.
    public var code: String {
        switch self {
        case .grade(let grade): grade.code
        case .nonGrade(let nonGrade): nonGrade.rawValue
        }
    }
}
