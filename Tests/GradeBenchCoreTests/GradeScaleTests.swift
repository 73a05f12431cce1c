import Testing

@testable import GradeBenchCore

@Suite("Grade scales")
struct GradeScaleTests {
    /// (scale, grades high → low as DESIGN.md lists them, points as DESIGN.md lists them)
    static let published: [(GradeScale, [String], [Double?])] = [
        (.gcse9to1, ["9", "8", "7", "6", "5", "4", "3", "2", "1", "U"], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]),
        (.gcseLegacy, ["A*", "A", "B", "C", "D", "E", "F", "G", "U"], [8.5, 7, 5.5, 4, 3, 2, 1.5, 1, 0]),
        (.aLevel, ["A*", "A", "B", "C", "D", "E", "U"], [60, 50, 40, 30, 20, 10, 0]),
        (.btecTechAward, ["L2D*", "L2D", "L2M", "L2P", "L1D", "L1M", "L1P", "U"], [8.5, 7, 5.5, 4, 3, 2, 1.25, 0]),
        (.ks2WritingTA, ["GDS", "EXS", "WTS", "PK6", "PK5", "PK4", "PK3", "PK2", "PK1", "EM"], Array(repeating: nil, count: 10)),
        (.eyfsGoal, ["EXP", "EMG"], [nil, nil]),
    ]

    @Test(arguments: 0..<published.count)
    func gradesOrderAndPoints(index: Int) throws {
        let (scale, codes, points) = Self.published[index]
        #expect(scale.grades.map(\.code) == codes)
        #expect(scale.grades.map(\.points) == points)
        // Highest first, strictly ordered.
        for (higher, lower) in zip(scale.grades, scale.grades.dropFirst()) { #expect(higher > lower) }
        for code in codes {
            #expect(scale.parse(code)?.grade?.code == code)
            #expect(scale.parse(" \(code.lowercased()) ")?.grade?.code == code)
        }
    }

    @Test func combinedScienceDoubleGrades() throws {
        let scale = GradeScale.gcseCombinedScience
        // 9-9, 9-8, 8-8, 8-7, …, 2-1, 1-1, then U: 9 equal pairs + 8 adjacent pairs + U.
        #expect(scale.grades.count == 9 + 8 + 1)
        #expect(scale.grades.prefix(4).map(\.code) == ["9-9", "9-8", "8-8", "8-7"])
        #expect(scale.grade("5-4")?.points == 4.5)
        #expect(scale.grade("1-1")?.points == 1)
        #expect(scale.grade("U")?.points == 0)
        #expect(scale.grade("6-6")! > scale.grade("6-5")!)
        #expect(scale.parse("5-3") == nil)  // grades one apart at most
        #expect(scale.parse("4-5") == nil)  // higher grade first
    }

    @Test func ks2ScaledScores() throws {
        let scale = GradeScale.ks2ScaledScore
        #expect(scale.grades.count == 41)
        #expect(scale.parse("100")?.grade?.points == 100)
        #expect(scale.grade("120")! > scale.grade("80")!)
        for outside in ["79", "121", "99.5", "1e2"] { #expect(scale.parse(outside) == nil) }
    }

    @Test(arguments: GradeScale.allCases)
    func nonGradesAreKeptApart(scale: GradeScale) {
        #expect(scale.parse("X") == .nonGrade(.noResult))
        #expect(scale.parse("abs") == .nonGrade(.absent))
        #expect(scale.parse("X")?.grade == nil)
        #expect(!scale.grades.map(\.code).contains("X"))
    }

    @Test func eyfsAcceptsWords() {
        #expect(GradeScale.eyfsGoal.parse("Expected")?.grade?.code == "EXP")
        #expect(GradeScale.eyfsGoal.parse("emerging")?.grade?.code == "EMG")
    }

    @Test func scalesAlignAtSevenFourOne() {
        // DESIGN.md: the 9–1 and A*–G scales align at 7/A, 4/C and 1/G.
        let new = GradeScale.gcse9to1, old = GradeScale.gcseLegacy
        #expect(new.grade("7")?.points == old.grade("A")?.points)
        #expect(new.grade("4")?.points == old.grade("C")?.points)
        #expect(new.grade("1")?.points == old.grade("G")?.points)
    }
}

extension GradeScaleTests {
    @Test func tableIndexMatchesDeclarationOrder() {
        for (position, scale) in GradeScale.allCases.enumerated() { #expect(scale.index == position) }
    }
}
