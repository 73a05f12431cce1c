/// The bounds an attacker can derive for unknown (suppressed) values from linear equalities over what is published:
/// minimise and maximise each unknown subject to `A y = b`, `y ≥ lower`. A two-phase tableau simplex over one flat
/// array, with the objective kept as a row of reduced costs (updated by each pivot); Dantzig's rule picks the entering
/// column, and Bland's rule takes over after a run of degenerate pivots, so it cannot cycle. The systems are one
/// subject's linked tables, restricted to the cells they leave unknown.
struct LinearBounds {
    private static let epsilon = 1e-9

    /// Rows of the feasible set in canonical form for the current basis, row-major, `width` per row: the coefficients
    /// of the shifted variables `z = y − lower` and, last, the right-hand side.
    private var tableau: [Double]
    private var basis: [Int]
    private var rows: Int
    private let lower: [Double]
    /// Variables that stay at their lower bound: never in the basis, priced only (`takeReducedCosts`).
    private let fixed: Range<Int>
    let variableCount: Int
    private var width: Int { variableCount + 1 }

    /// The same system with dense rows (`coefficients[row][variable]`).
    init?(coefficients: [[Double]], rightHandSide: [Double], lower: [Double], fixed: Int = 0) {
        precondition(coefficients.allSatisfy { $0.count == lower.count }, "a malformed system")
        let rows = coefficients.map { $0.enumerated().filter { $0.element != 0 }.map { (variable: $0.offset, coefficient: $0.element) } }
        self.init(rows: rows, rightHandSide: rightHandSide, lower: lower, fixed: fixed)
    }

    /// `nil` when the equalities have no solution with `y ≥ lower`. Each row lists its non-zero terms (a variable
    /// named twice has the sum of its coefficients). The last `fixed` variables are held at their lower bounds.
    init?(rows coefficients: [[(variable: Int, coefficient: Double)]], rightHandSide: [Double], lower: [Double], fixed: Int = 0) {
        let n = lower.count
        let m = coefficients.count
        precondition(rightHandSide.count == m && coefficients.allSatisfy { $0.allSatisfy { (0..<n).contains($0.variable) } }, "a malformed system")
        self.lower = lower
        let fixed = (n - fixed)..<n
        self.fixed = fixed
        variableCount = n
        rows = m
        // Phase 1 tableau: the variables and the right-hand side, with one artificial variable per row as its first
        // basis (variable n + row). Their columns are not stored: an artificial variable that leaves the basis never
        // comes back, so they are never priced. Shift to z = y − lower and make every right-hand side non-negative.
        let phaseWidth = n + 1
        var t = [Double](repeating: 0, count: m * phaseWidth)
        for i in 0..<m {
            var rhs = rightHandSide[i]
            for (j, a) in coefficients[i] { rhs -= a * lower[j] }
            let sign: Double = rhs < 0 ? -1 : 1
            for (j, a) in coefficients[i] { t[i * phaseWidth + j] += a * sign }
            t[i * phaseWidth + n] = rhs * sign
        }
        var basis = (0..<m).map { n + $0 }
        // Phase 1: minimise the sum of the artificial variables.
        let phaseOne = (0..<(n + m)).map { $0 >= n ? 1.0 : 0.0 }
        var scale = 1.0
        for i in 0..<m { scale += abs(t[i * phaseWidth + n]) }
        guard
            let infeasibility = Self.minimise(
                phaseOne, tableau: &t, basis: &basis, rows: m, columns: n, width: phaseWidth, fixed: fixed)?.value,
            infeasibility < 1e-7 * scale
        else { return nil }
        // Drive artificial variables out of the basis; a row where that is impossible is redundant.
        var kept: [Int] = []
        var changed: [Int] = []
        for i in 0..<m {
            if basis[i] >= n {
                if let column = (0..<n).first(where: { !fixed.contains($0) && abs(t[i * phaseWidth + $0]) > Self.epsilon }) {
                    Self.pivot(row: i, column: column, tableau: &t, basis: &basis, rows: m, width: phaseWidth, changed: &changed)
                } else {
                    continue
                }
            }
            kept.append(i)
        }
        if kept.count < m {  // the redundant rows dropped, the others moved up in place
            for (row, from) in kept.enumerated() where row != from {
                for j in 0..<phaseWidth { t[row * phaseWidth + j] = t[from * phaseWidth + j] }
            }
            t.removeLast((m - kept.count) * phaseWidth)
        }
        tableau = t
        self.basis = kept.map { basis[$0] }
        rows = kept.count
    }

    /// Per variable, its reduced cost at the least and at the greatest value of `y[variable]` (`nil` for the greatest
    /// when unbounded), each optimisation started from the phase-1 basis: how fast that value moves per unit of the
    /// variable above its lower bound. A fixed variable with a non-zero reduced cost would widen the interval if it
    /// were free; a free one at its lower bound with a non-zero reduced cost is held there by that bound. The second
    /// optimisation pivots this system's own tableau (one copy of it fewer), so the system is left at another basis.
    mutating func takeReducedCosts(of variable: Int) -> (least: [Double], most: [Double]?) {
        let least = optimum(of: variable, direction: 1)!.reduced
        var objective = [Double](repeating: 0, count: variableCount)
        objective[variable] = -1
        let most = Self.minimise(
            objective, tableau: &tableau, basis: &basis, rows: rows, columns: variableCount, width: width, fixed: fixed)?.reduced
        return (least, most)
    }

    /// The least and greatest value `y[variable]` can take (`nil` for greatest when unbounded).
    func bounds(of variable: Int) -> (lower: Double, upper: Double?) {
        let least = optimum(of: variable, direction: 1)!.value
        let most = optimum(of: variable, direction: -1).map { -$0.value }
        return (least + lower[variable], most.map { $0 + lower[variable] })
    }

    /// Minimises `direction × z[variable]` from the phase-1 basis (`nil` when unbounded), stopping once at most
    /// `stopAt`.
    private func optimum(of variable: Int, direction: Double, stopAt: Double = -.infinity) -> (value: Double, reduced: [Double])? {
        var objective = [Double](repeating: 0, count: variableCount)
        objective[variable] = direction
        var t = tableau
        var b = basis
        return Self.minimise(
            objective, tableau: &t, basis: &b, rows: rows, columns: variableCount, width: width, fixed: fixed, stopAt: stopAt)
    }

    /// Whether `y[variable]` can vary by at least `span` (its true value is `truth`). The same answer as comparing
    /// `bounds(of:)`, with each optimisation stopped as soon as the answer is known: the greatest value first (once it
    /// reaches `truth + span`, the interval is wide enough), then the least.
    ///
    /// Each optimisation starts from the basis the previous one ended in, pivoting the system's own tableau: every
    /// basis the simplex reaches is feasible, and the optimum's value does not depend on where it starts, so the
    /// answer is the same as from the phase-1 basis, without copying the tableau for each optimisation (a third of
    /// the audit's simplex time once pivots were sparse). The reduced costs of `takeReducedCosts(of:)` can depend on
    /// the basis, so it still starts from the phase-1 basis and must not follow `spans` on the same system.
    mutating func spans(_ variable: Int, atLeast span: Double, truth: Double) -> Bool {
        let shift = lower[variable]
        guard let negated = optimumInPlace(of: variable, direction: -1, stopAt: -(truth + span - shift)) else { return true }
        let upper = -negated + shift
        if upper >= truth + span - 1e-6 { return true }
        let least = optimumInPlace(of: variable, direction: 1, stopAt: upper - span - shift)! + shift
        return upper - least >= span - 1e-6
    }

    /// `optimum`'s value, pivoting this system's tableau from its current basis.
    private mutating func optimumInPlace(of variable: Int, direction: Double, stopAt: Double) -> Double? {
        var objective = [Double](repeating: 0, count: variableCount)
        objective[variable] = direction
        return Self.minimise(
            objective, tableau: &tableau, basis: &basis, rows: rows, columns: variableCount, width: width, fixed: fixed, stopAt: stopAt
        )?.value
    }

    /// Minimises `cost · z` from the tableau's basis; `nil` when unbounded below. `columns` variables, then (at
    /// `width − 1`) the right-hand side. Stops early, with the value reached, once it is at most `stopAt`. The
    /// `fixed` columns never enter the basis. `cost` may name more variables than `columns`: phase 1's artificial
    /// variables, basic at first but without a column. Also returns the reduced costs (final only when it did not stop
    /// early).
    private static func minimise(
        _ cost: [Double], tableau: inout [Double], basis: inout [Int], rows: Int, columns: Int, width: Int, fixed: Range<Int>,
        stopAt: Double = -.infinity
    ) -> (value: Double, reduced: [Double])? {
        let rhs = width - 1
        // Reduced costs r_j = c_j − Σ_i c_basis(i) · T[i][j], and the objective's value, kept up to date by each pivot.
        var reduced = cost
        var value = 0.0
        for i in 0..<rows where cost[basis[i]] != 0 {
            let c = cost[basis[i]]
            for j in 0..<columns { reduced[j] -= c * tableau[i * width + j] }
            value += c * tableau[i * width + rhs]
        }
        var isBasic = [Bool](repeating: false, count: columns)
        for b in basis where b < columns { isBasic[b] = true }  // phase 1's artificial variables have no column
        for j in fixed { isBasic[j] = true }  // so never entering
        var degenerate = 0
        var changed: [Int] = []
        changed.reserveCapacity(width)
        var hits: [Int] = []
        hits.reserveCapacity(rows)
        while true {
            // Dantzig: the most negative reduced cost; Bland (the first negative) after many degenerate pivots.
            var entering = -1
            var most = -epsilon
            for j in 0..<columns where !isBasic[j] && reduced[j] < most {
                entering = j
                if degenerate > 50 { break }
                most = reduced[j]
            }
            guard entering >= 0 else { return (value, reduced) }
            // Ratio test; ties go to the smallest basic variable (Bland). The rows with a non-zero in the entering
            // column are the ones the pivot changes: noted here, in the one pass down the column (each of its values
            // on a cache line of its own).
            var leaving = -1
            var best = Double.infinity
            hits.removeAll(keepingCapacity: true)
            for i in 0..<rows {
                let a = tableau[i * width + entering]
                guard a != 0 else { continue }
                hits.append(i)
                guard a > epsilon else { continue }
                let ratio = tableau[i * width + rhs] / a
                if ratio < best - epsilon || (abs(ratio - best) <= epsilon && basis[i] < basis[leaving]) {
                    best = ratio
                    leaving = i
                }
            }
            guard leaving >= 0 else { return nil }
            degenerate = best <= epsilon ? degenerate + 1 : 0
            if basis[leaving] < columns { isBasic[basis[leaving]] = false }
            isBasic[entering] = true
            let factor = reduced[entering]
            pivot(row: leaving, column: entering, tableau: &tableau, basis: &basis, rows: hits, width: width, changed: &changed)
            for j in changed where j < columns { reduced[j] -= factor * tableau[leaving * width + j] }
            value += factor * tableau[leaving * width + rhs]
            if value <= stopAt { return (value, reduced) }
        }
    }

    /// Pivots on `tableau[row][column]`, and leaves in `changed` the pivot row's non-zero columns (the right-hand side
    /// included): the only columns a pivot changes in the other rows and the objective. The systems' rows stay sparse,
    /// so the other rows are updated over those columns alone.
    private static func pivot(
        row: Int, column: Int, tableau: inout [Double], basis: inout [Int], rows: Int, width: Int, changed: inout [Int]
    ) {
        let hits = (0..<rows).filter { tableau[$0 * width + column] != 0 }
        pivot(row: row, column: column, tableau: &tableau, basis: &basis, rows: hits, width: width, changed: &changed)
    }

    /// `pivot`, given the rows with a non-zero in the pivot column (`rows`, ascending; the pivot row among them): the
    /// only rows a pivot changes.
    private static func pivot(
        row: Int, column: Int, tableau: inout [Double], basis: inout [Int], rows: [Int], width: Int, changed: inout [Int]
    ) {
        changed.removeAll(keepingCapacity: true)
        tableau.withUnsafeMutableBufferPointer { t in
            let base = row * width
            let divisor = t[base + column]
            for j in 0..<width where t[base + j] != 0 {
                t[base + j] /= divisor
                changed.append(j)
            }
            changed.withUnsafeBufferPointer { changed in
                for i in rows where i != row {
                    let other = i * width
                    let factor = t[other + column]
                    for j in changed { t[other + j] -= factor * t[base + j] }
                }
            }
        }
        basis[row] = column
    }
}
