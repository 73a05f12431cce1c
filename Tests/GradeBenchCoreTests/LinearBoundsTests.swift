import PropertyBased
import Testing

@testable import GradeBenchCore

/// The audit's linear bounds against systems solved by hand.
@Suite("Linear bounds")
struct LinearBoundsTests {
    @Test func oneRowOfSuppressedCounts() throws {
        // y1 + y2 = 15, each at least 1: y1 ∈ [1, 14].
        let lp = try #require(LinearBounds(coefficients: [[1, 1]], rightHandSide: [15], lower: [1, 1]))
        #expect(lp.bounds(of: 0) == (1, 14))
        #expect(lp.bounds(of: 1) == (1, 14))
    }

    @Test func aRectangleOfSuppressedCells() throws {
        // Rows: y11 + y12 = 10, y21 + y22 = 20; columns: y11 + y21 = 12, y12 + y22 = 18. With y11 = t:
        // y12 = 10 − t, y21 = 12 − t, y22 = 8 + t, all ≥ 0 → t ∈ [0, 10]; y22 ∈ [8, 18].
        let lp = try #require(
            LinearBounds(
                coefficients: [[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]], rightHandSide: [10, 20, 12, 18],
                lower: [0, 0, 0, 0]
            )
        )
        #expect(lp.bounds(of: 0) == (0, 10))
        #expect(lp.bounds(of: 2) == (2, 12))
        #expect(lp.bounds(of: 3) == (8, 18))
    }

    @Test func reducedCostsNameWhatHoldsAnIntervalIn() throws {
        // Free: y1, y2, y3, y4, y5 ≥ 0; held at their values: p = 2 and q = 3 (published cells, priced only).
        // y1 + y2 = 10; y1 + y3 + p = 6; y4 + y5 + q = 10. So y1 ∈ [0, 4]: its greatest is held by y3's bound and by
        // p (were p unknown, y1 could reach 6); q is in an unlinked row and holds nothing. Its least is its own bound.
        var lp = try #require(
            LinearBounds(
                coefficients: [[1, 1, 0, 0, 0, 0, 0], [1, 0, 1, 0, 0, 1, 0], [0, 0, 0, 1, 1, 0, 1]], rightHandSide: [10, 6, 10],
                lower: [0, 0, 0, 0, 0, 2, 3], fixed: 2))
        #expect(lp.bounds(of: 0) == (0, 4))
        let costs = lp.takeReducedCosts(of: 0)
        let most = try #require(costs.most)
        #expect(abs(most[2]) > 0.5 && abs(most[5]) > 0.5)
        #expect(abs(most[6]) < 1e-9 && abs(most[3]) < 1e-9 && abs(most[4]) < 1e-9)
        #expect(costs.least[1...].allSatisfy { abs($0) < 1e-9 })
    }

    @Test func aDifferenceOfTwoPublishedTotalsPinsTheCell() throws {
        // A group and its complement against all pupils: y + 37 = 40 (as y = 3) — pinned.
        let lp = try #require(LinearBounds(coefficients: [[1]], rightHandSide: [3], lower: [0]))
        #expect(lp.bounds(of: 0) == (3, 3))
    }

    @Test func unboundedAndInfeasibleSystems() throws {
        // y1 − y2 = 0: y1 can be anything from 0 up.
        let open = try #require(LinearBounds(coefficients: [[1, -1]], rightHandSide: [0], lower: [0, 0]))
        #expect(open.bounds(of: 0).lower == 0 && open.bounds(of: 0).upper == nil)
        // y1 + y2 = 1 with both at least 1: no solution.
        #expect(LinearBounds(coefficients: [[1, 1]], rightHandSide: [1], lower: [1, 1]) == nil)
    }

    @Test func redundantAndDegenerateRows() throws {
        // The same row twice and a row of zeros: y1 + y2 = 10 → y1 ∈ [0, 10].
        let lp = try #require(
            LinearBounds(coefficients: [[1, 1], [1, 1], [0, 0]], rightHandSide: [10, 10, 0], lower: [0, 0]))
        #expect(lp.bounds(of: 0) == (0, 10))
    }

    @Test func aChainAcrossThreeTables() throws {
        // y1 + y2 = 12 (a row), y2 + y3 = 9 (a column), y3 + y4 = 30 (another row), each ≥ 1.
        // y2 ≤ min(11, 8) = 8, y2 ≥ 1; y1 = 12 − y2 ∈ [4, 11]; y3 = 9 − y2 ∈ [1, 8]; y4 = 30 − y3 ∈ [22, 29].
        let lp = try #require(
            LinearBounds(
                coefficients: [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]], rightHandSide: [12, 9, 30], lower: [1, 1, 1, 1]))
        #expect(lp.bounds(of: 0) == (4, 11))
        #expect(lp.bounds(of: 1) == (1, 8))
        #expect(lp.bounds(of: 3) == (22, 29))
    }

    /// A table of suppressed counts (2–5 rows × 2–5 columns, true counts 0–30, each at least one pupil where the
    /// count is), known by its row and column totals: `spans` asked about one cell after another, each optimisation
    /// starting where the previous one ended, answers as each cell's interval from a fresh system does.
    @Test func spansFromOneBasisAfterAnotherAgreesWithFreshBounds() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...Int.max)) { seed in
            var random = FixtureRandom(seed: UInt64(seed))
            let (rows, columns) = (random.integer(2...5), random.integer(2...5))
            let truth = (0..<(rows * columns)).map { _ in Double(random.chance(0.2) ? 0 : random.integer(1...30)) }
            let lower = truth.map { $0 > 0 && random.chance(0.7) ? 1.0 : 0.0 }
            var coefficients: [[Double]] = []
            for row in 0..<rows { coefficients.append((0..<(rows * columns)).map { $0 / columns == row ? 1 : 0 }) }
            for column in 0..<columns { coefficients.append((0..<(rows * columns)).map { $0 % columns == column ? 1 : 0 }) }
            let sums = coefficients.map { zip($0, truth).reduce(0) { $0 + $1.0 * $1.1 } }
            let fresh = LinearBounds(coefficients: coefficients, rightHandSide: sums, lower: lower)!
            var reused = fresh
            for _ in 0..<(2 * truth.count) {
                let cell = random.integer(0...(truth.count - 1))
                let width = Double(random.integer(1...12))
                let (least, most) = fresh.bounds(of: cell)
                #expect(reused.spans(cell, atLeast: width, truth: truth[cell]) == (most.map { $0 - least >= width - 1e-6 } ?? true))
            }
        }
    }
}
