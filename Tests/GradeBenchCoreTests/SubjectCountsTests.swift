import Testing

@testable import GradeBenchCore

/// The merge's flat counters (`SubjectCounts`, vector by vector) against the figures worked out here from every
/// school's counts: totals, contributing schools, and the largest contributions by sorting them.
@Suite("Subject counts")
struct SubjectCountsTests {
    /// A small deterministic generator (the counts need not be random, only varied: zeros, ties, a dominant school).
    struct Counts {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// Tables of 10 grades (two vectors of counters with the entries), 19 (a combined-science scale: three) and 2.
    static let widths = [10, 19, 2]

    @Test("Totals, schools and the largest contributions match the schools' own counts", arguments: [1, 2, 3, 5])
    func mergedCountersMatchTheSchoolsCounts(coalition: Int) {
        var counts = Counts(state: UInt64(coalition))
        let families = 3
        // Per school: its combination's families, and per table, group and cell its count (a third of them zero).
        let combinations: [[Int]] = [[0, 1], [0, 2], [0, 1, 2]]
        var schools: [(combination: Int, counts: [[[Int]]])] = []
        for school in 0..<23 {
            let tables = Self.widths.map { width in
                (0..<PupilGroup.every.count).map { _ in
                    (0..<width).map { _ in counts.next(3) == 0 ? 0 : (school == 7 ? 200 : counts.next(12)) }
                }
            }
            schools.append((school % combinations.count, tables))
        }

        // Merged as a publication merges: each combination's schools into its block, each block into its families,
        // in three parts absorbed in order.
        func merged(_ members: [Int]) -> SubjectCounts {
            var total = SubjectCounts(families: families, widths: Self.widths, coalition: coalition)
            var block = SubjectCounts(families: 1, widths: Self.widths, coalition: coalition)
            for combination in combinations.indices {
                for school in members where schools[school].combination == combination {
                    for (table, groups) in schools[school].counts.enumerated() {
                        for (group, cells) in groups.enumerated() {
                            block.add(
                                table: table, group: group, family: 0,
                                cells: cells.enumerated().filter { $0.element > 0 }.map { ($0.offset, $0.element) },
                                entries: cells.reduce(0, +), pointsSum: Double(cells.reduce(0, +)))
                        }
                    }
                }
                total.add(block, into: combinations[combination])
                block.reset()
            }
            return total
        }
        var counted = merged(Array(0..<7))
        counted.absorb(merged(Array(7..<15)))
        counted.absorb(merged(Array(15..<schools.count)))

        for family in 0..<families {
            let members = schools.filter { combinations[$0.combination].contains(family) }
            for (table, width) in Self.widths.enumerated() {
                for group in 0..<PupilGroup.every.count {
                    let statistics = counted.statistics(table: table, family: family, group: group, coalition: coalition)!
                    for cell in 0...width {
                        let values = members.map { school in
                            let cells = school.counts[table][group]
                            return cell == width ? cells.reduce(0, +) : cells[cell]
                        }.filter { $0 > 0 }
                        let got = cell == width ? statistics.entries : statistics.cells[cell]
                        #expect(got.total == values.reduce(0, +))
                        #expect(got.schools == values.count)
                        #expect(got.largest == Array(values.sorted(by: >).prefix(coalition + 1)))
                    }
                    let pointsSum = members.reduce(0) { $0 + $1.counts[table][group].reduce(0, +) }
                    #expect(statistics.pointsSum == Double(pointsSum))
                }
            }
        }
    }
}
