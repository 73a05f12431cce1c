import Testing

@testable import GradeBenchCore

/// A school's own figures against figures worked by hand.
@Suite("Own figures")
struct OwnFiguresTests {
    /// Maths: 9 ×1, 7 ×2, 4 ×3, U ×2 (8 graded entries) and one X. Points 9 + 14 + 12 + 0 = 35 → mean 4.375 → 4.38.
    @Test func mathsByHand() throws {
        var tally = GradeTally()
        tally.counts = ["9": 1, "7": 2, "4": 3, "U": 2]
        tally.entries = 8
        tally.pointsSum = 35
        tally.nonGrades = 1
        let own = OwnDistribution(subject: try SubjectCatalogue.standard.subject("MATH"), group: .all, tally: tally)
        #expect(own.grades == ["9", "8", "7", "6", "5", "4", "3", "2", "1", "U"])
        #expect(own.counts == [1, 0, 2, 0, 0, 3, 0, 0, 0, 2])
        #expect(own.entries == 8)
        #expect(own.percent == [12.5, 0, 25, 0, 0, 37.5, 0, 0, 0, 25])
        #expect(own.cumulativePercent == [12.5, 12.5, 37.5, 37.5, 37.5, 75, 75, 75, 75, 100])
        #expect(own.meanPoints == 4.38)
    }

    /// Thirds: 1 of 3 is 33.3 %, 2 of 3 is 66.7 %; the lowest grade's cumulative is exactly 100.
    @Test func roundingToOneDecimal() throws {
        var tally = GradeTally()
        tally.counts = ["A*": 1, "B": 1, "E": 1]
        tally.entries = 3
        tally.pointsSum = 60 + 40 + 10
        let own = OwnDistribution(subject: try #require(SubjectCatalogue.standard.subjects.first { $0.scale == .aLevel }), group: .all, tally: tally)
        #expect(own.percent == [33.3, 0, 33.3, 0, 0, 33.3, 0])
        #expect(own.cumulativePercent == [33.3, 33.3, 66.7, 66.7, 66.7, 100, 100])
        #expect(own.meanPoints == 36.67)
    }

    /// Only non-grades: no percentages and no mean, rather than a division by zero.
    @Test func noGradedEntries() throws {
        var tally = GradeTally()
        tally.nonGrades = 4
        let own = OwnDistribution(subject: try SubjectCatalogue.standard.subject("MATH"), group: .all, tally: tally)
        #expect(own.entries == 0 && own.percent == nil && own.cumulativePercent == nil && own.meanPoints == nil)
        #expect(own.counts == Array(repeating: 0, count: 10))
    }
}
