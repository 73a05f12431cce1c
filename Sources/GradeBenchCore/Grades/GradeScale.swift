import Foundation

/// The grade scales GradeBench understands (see DESIGN.md, "Grade scales and points").
public enum GradeScale: String, Codable, CaseIterable, Sendable {
    case gcse9to1 = "gcse-9-1"
    case gcseCombinedScience = "gcse-combined-science"
    case gcseLegacy = "gcse-a-star-g"
    case aLevel = "a-level"
    case btecTechAward = "btec-tech-award"
    case ks2ScaledScore = "ks2-scaled-score"
    case ks2WritingTA = "ks2-writing-ta"
    case eyfsGoal = "eyfs-goal"

    /// Every grade on the scale, highest first.
    public var grades: [Grade] { GradeScale.tables[index] }

    /// A human name for messages.
    public var displayName: String {
        switch self {
        case .gcse9to1: "GCSE 9–1"
        case .gcseCombinedScience: "GCSE combined science (double grades)"
        case .gcseLegacy: "GCSE A*–G"
        case .aLevel: "A level"
        case .btecTechAward: "BTEC Tech Award"
        case .ks2ScaledScore: "KS2 scaled score (80–120)"
        case .ks2WritingTA: "KS2 writing teacher assessment"
        case .eyfsGoal: "EYFS early learning goal"
        }
    }

    /// Parses a submitted value: a grade on this scale, a non-grade, or `nil` when it is neither.
    /// Matching ignores surrounding blanks and letter case.
    public func parse(_ raw: String) -> GradeResult? {
        resultCode(raw.utf8).map(result(code:))
    }

    /// A result as one byte: a grade's position in `grades` (0 is the highest), or one of the non-grade codes.
    public static let noResultCode: UInt8 = 0xFE
    public static let absentCode: UInt8 = 0xFF

    /// `parse(_:)` on bytes, giving the result's code: exact codes first, then trimmed and upper-cased text,
    /// non-grades and aliases.
    public func resultCode(_ bytes: some BidirectionalCollection<UInt8>) -> UInt8? {
        let table = GradeScale.codeTables[index]
        if let key = ShortCode(bytes), let code = table[key] { return code }
        let normalised = bytes.trimmedBlanks
        guard normalised.count <= ShortCode.capacity, let key = ShortCode(normalised.asciiUppercased) else { return nil }
        return table[key]
    }

    /// The result a code from `resultCode(_:)` stands for.
    public func result(code: UInt8) -> GradeResult {
        switch code {
        case GradeScale.noResultCode: .nonGrade(.noResult)
        case GradeScale.absentCode: .nonGrade(.absent)
        default: .grade(grades[Int(code)])
        }
    }

    /// Whether any grade carries points (a mean is published).
    public var hasPoints: Bool { GradeScale.pointed[index] }

    private static let pointed = tables.map { grades in grades.contains { $0.points != nil } }

    /// Looks up a grade by its canonical code.
    public func grade(_ code: String) -> Grade? { GradeScale.lookup[index][code] }

    /// Position in `allCases`, for array-indexed tables.
    var index: Int {
        switch self {
        case .gcse9to1: 0
        case .gcseCombinedScience: 1
        case .gcseLegacy: 2
        case .aLevel: 3
        case .btecTechAward: 4
        case .ks2ScaledScore: 5
        case .ks2WritingTA: 6
        case .eyfsGoal: 7
        }
    }

    private static let tables: [[Grade]] = allCases.map { $0.buildGrades() }

    private static let lookup: [[String: Grade]] = tables.map { grades in
        Dictionary(uniqueKeysWithValues: grades.map { ($0.code, $0) })
    }

    /// Per scale: every accepted spelling (canonical codes, non-grades, aliases; upper case) → result code.
    private static let codeTables: [[ShortCode: UInt8]] = allCases.map { scale in
        var table: [ShortCode: UInt8] = [
            ShortCode("X")!: noResultCode, ShortCode("ABS")!: absentCode, ShortCode("ABSENT")!: absentCode,
        ]
        let grades = tables[scale.index]
        for (position, grade) in grades.enumerated() { table[ShortCode(grade.code)!] = UInt8(position) }
        for (alias, code) in aliases[scale] ?? [:] where table[ShortCode(alias)!] == nil {
            table[ShortCode(alias)!] = UInt8(grades.firstIndex { $0.code == code }!)
        }
        return table
    }

    private static let aliases: [GradeScale: [String: String]] = [
        .eyfsGoal: ["EXPECTED": "EXP", "EMERGING": "EMG"],
        .gcseLegacy: ["A*": "A*"],
    ]

    private func buildGrades() -> [Grade] {
        func make(_ pairs: [(String, Double?)]) -> [Grade] {
            pairs.enumerated().map { index, pair in
                Grade(scale: self, code: pair.0, rank: pairs.count - index, points: pair.1)
            }
        }
        switch self {
        case .gcse9to1:
            return make((1...9).reversed().map { (String($0), Double($0)) } + [("U", 0)])
        case .gcseCombinedScience:
            var pairs: [(String, Double?)] = []
            for high in (1...9).reversed() {
                pairs.append(("\(high)-\(high)", Double(high)))
                if high > 1 { pairs.append(("\(high)-\(high - 1)", Double(high) - 0.5)) }
            }
            return make(pairs + [("U", 0)])
        case .gcseLegacy:
            return make([("A*", 8.5), ("A", 7), ("B", 5.5), ("C", 4), ("D", 3), ("E", 2), ("F", 1.5), ("G", 1), ("U", 0)])
        case .aLevel:
            return make([("A*", 60), ("A", 50), ("B", 40), ("C", 30), ("D", 20), ("E", 10), ("U", 0)])
        case .btecTechAward:
            // DfE performance points for the Level 1/Level 2 Tech Awards (first teaching 2022).
            return make([
                ("L2D*", 8.5), ("L2D", 7), ("L2M", 5.5), ("L2P", 4), ("L1D", 3), ("L1M", 2), ("L1P", 1.25), ("U", 0),
            ])
        case .ks2ScaledScore:
            return make((80...120).reversed().map { (String($0), Double($0)) })
        case .ks2WritingTA:
            // Writing TA has no points; the rank orders it and the expected-standard rule reads the code.
            return make(
                [("GDS", nil), ("EXS", nil), ("WTS", nil)] + (1...6).reversed().map { ("PK\($0)", nil) } + [("EM", nil)]
            )
        case .eyfsGoal:
            return make([("EXP", nil), ("EMG", nil)])
        }
    }
}
