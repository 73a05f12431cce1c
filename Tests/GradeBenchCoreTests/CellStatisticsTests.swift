import Testing

@testable import GradeBenchCore

@Suite("Cell statistics")
struct CellStatisticsTests {
    /// Contributions from a fixed linear congruential sequence: repeats, zeros and a wide range.
    static func contributions(_ count: Int, seed: UInt64) -> [Int] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let value = Int(state >> 33) % 40
            return value < 8 ? 0 : value - 8
        }
    }

    @Test("Adding and absorbing keep the total, the contributing schools and the largest contributions", arguments: 1...CellStatistics.maximumCoalition)
    func addAndAbsorbMatchTheContributions(coalition: Int) {
        for seed in 1...20 {
            let first = Self.contributions(seed * 3, seed: UInt64(seed))
            let second = Self.contributions(seed * 2, seed: UInt64(seed + 100))
            var one = CellStatistics(coalition: coalition)
            first.forEach { one.add($0) }
            var other = CellStatistics(coalition: coalition)
            second.forEach { other.add($0) }
            one.absorb(other)
            let all = (first + second).filter { $0 > 0 }
            #expect(one.total == all.reduce(0, +))
            #expect(one.schools == all.count)
            #expect(one.largest == Array(all.sorted(by: >).prefix(coalition + 1)))
            let sortedAll = all.sorted(by: >)
            #expect(one.remainderAfterCoalition == one.total - sortedAll.prefix(coalition).reduce(0, +))
        }
    }
}
