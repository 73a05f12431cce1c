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
    /// The kept rows as given (each row's coefficients over the variables, row-major), and which given row each is:
    /// for the shadow prices (`prices(of:)`).
    private let kept: [Double]
    private let keptRows: [Int]
    private let givenRows: Int
    let variableCount: Int
    private var width: Int { variableCount + 1 }

    /// `nil` when the equalities have no solution with `y ≥ lower`.
    init?(coefficients: [[Double]], rightHandSide: [Double], lower: [Double]) {
        let n = lower.count
        let m = coefficients.count
        precondition(rightHandSide.count == m && coefficients.allSatisfy { $0.count == n }, "a malformed system")
        self.lower = lower
        variableCount = n
        rows = m
        // Phase 1 tableau: the variables, one artificial variable per row, the right-hand side. Shift to z = y − lower
        // and make every right-hand side non-negative.
        let phaseWidth = n + m + 1
        var t = [Double](repeating: 0, count: m * phaseWidth)
        for i in 0..<m {
            var rhs = rightHandSide[i]
            for j in 0..<n { rhs -= coefficients[i][j] * lower[j] }
            let sign: Double = rhs < 0 ? -1 : 1
            for j in 0..<n { t[i * phaseWidth + j] = coefficients[i][j] * sign }
            t[i * phaseWidth + n + i] = 1
            t[i * phaseWidth + n + m] = rhs * sign
        }
        var basis = (0..<m).map { n + $0 }
        // Phase 1: minimise the sum of the artificial variables.
        let phaseOne = (0..<(n + m)).map { $0 >= n ? 1.0 : 0.0 }
        var scale = 1.0
        for i in 0..<m { scale += abs(t[i * phaseWidth + n + m]) }
        guard let infeasibility = Self.minimise(phaseOne, tableau: &t, basis: &basis, rows: m, columns: n + m, width: phaseWidth),
            infeasibility < 1e-7 * scale
        else { return nil }
        // Drive artificial variables out of the basis; a row where that is impossible is redundant.
        var kept: [Int] = []
        for i in 0..<m {
            if basis[i] >= n {
                if let column = (0..<n).first(where: { abs(t[i * phaseWidth + $0]) > Self.epsilon }) {
                    Self.pivot(row: i, column: column, tableau: &t, basis: &basis, rows: m, width: phaseWidth)
                } else {
                    continue
                }
            }
            kept.append(i)
        }
        var reduced = [Double](repeating: 0, count: kept.count * (n + 1))
        for (row, i) in kept.enumerated() {
            for j in 0..<n { reduced[row * (n + 1) + j] = t[i * phaseWidth + j] }
            reduced[row * (n + 1) + n] = t[i * phaseWidth + n + m]
        }
        tableau = reduced
        self.basis = kept.map { basis[$0] }
        rows = kept.count
        self.kept = kept.flatMap { coefficients[$0] }
        keptRows = kept
        givenRows = m
    }

    /// Per given row, how much the least and the greatest value of `y[variable]` move per unit of that row's
    /// right-hand side (the shadow prices at each optimum; zero for a redundant row), and the two values.
    ///
    /// A published cell that becomes unknown adds a variable whose column is its coefficients in the rows; where its
    /// column's price `Σ price × coefficient` is not zero, letting it vary moves the optimum, so the interval widens.
    /// (At a degenerate optimum the prices are one choice among several.)
    func prices(of variable: Int) -> (least: [Double], most: [Double]) {
        var result: [[Double]] = []
        for direction in [1.0, -1.0] {
            var objective = [Double](repeating: 0, count: variableCount)
            objective[variable] = direction
            var t = tableau
            var b = basis
            var prices = [Double](repeating: 0, count: givenRows)
            // Unbounded: no price limits it.
            if Self.minimise(objective, tableau: &t, basis: &b, rows: rows, columns: variableCount, width: width) != nil,
                let dual = Self.solveTransposed(basis: b, kept: kept, width: variableCount, cost: b.map { objective[$0] })
            {
                // The objective is ±y[variable]; report the price of the value itself, for the least and the greatest.
                for (row, given) in keptRows.enumerated() { prices[given] = dual[row] * direction }
            }
            result.append(prices)
        }
        return (result[0], result[1])
    }

    /// Solves `Bᵀ y = cost`, where column `i` of `B` is column `basis[i]` of the row-major `kept` rows (Gaussian
    /// elimination with partial pivoting); `nil` when `B` is singular.
    private static func solveTransposed(basis: [Int], kept: [Double], width: Int, cost: [Double]) -> [Double]? {
        let m = basis.count
        // M = Bᵀ: M[i][k] = kept[k][basis[i]], with the right-hand side as a last column.
        var a = [Double](repeating: 0, count: m * (m + 1))
        for i in 0..<m {
            for k in 0..<m { a[i * (m + 1) + k] = kept[k * width + basis[i]] }
            a[i * (m + 1) + m] = cost[i]
        }
        for column in 0..<m {
            var pivot = column
            for i in column..<m where abs(a[i * (m + 1) + column]) > abs(a[pivot * (m + 1) + column]) { pivot = i }
            guard abs(a[pivot * (m + 1) + column]) > epsilon else { return nil }
            if pivot != column {
                for j in 0...m { a.swapAt(pivot * (m + 1) + j, column * (m + 1) + j) }
            }
            let divisor = a[column * (m + 1) + column]
            for j in column...m { a[column * (m + 1) + j] /= divisor }
            for i in 0..<m where i != column {
                let factor = a[i * (m + 1) + column]
                guard factor != 0 else { continue }
                for j in column...m { a[i * (m + 1) + j] -= factor * a[column * (m + 1) + j] }
            }
        }
        return (0..<m).map { a[$0 * (m + 1) + m] }
    }

    /// The least and greatest value `y[variable]` can take (`nil` for greatest when unbounded).
    func bounds(of variable: Int) -> (lower: Double, upper: Double?) {
        var objective = [Double](repeating: 0, count: variableCount)
        objective[variable] = 1
        var t = tableau
        var b = basis
        let least = Self.minimise(objective, tableau: &t, basis: &b, rows: rows, columns: variableCount, width: width)!
        objective[variable] = -1
        t = tableau
        b = basis
        let most = Self.minimise(objective, tableau: &t, basis: &b, rows: rows, columns: variableCount, width: width).map { -$0 }
        return (least + lower[variable], most.map { $0 + lower[variable] })
    }

    /// Whether `y[variable]` can vary by at least `span` (its true value is `truth`). The same answer as comparing
    /// `bounds(of:)`, with each optimisation stopped as soon as the answer is known: the greatest value first (once it
    /// reaches `truth + span`, the interval is wide enough), then the least.
    func spans(_ variable: Int, atLeast span: Double, truth: Double) -> Bool {
        var objective = [Double](repeating: 0, count: variableCount)
        objective[variable] = -1
        var t = tableau
        var b = basis
        let shift = lower[variable]
        guard
            let negated = Self.minimise(
                objective, tableau: &t, basis: &b, rows: rows, columns: variableCount, width: width, stopAt: -(truth + span - shift))
        else { return true }
        let upper = -negated + shift
        if upper >= truth + span - 1e-6 { return true }
        objective[variable] = 1
        t = tableau
        b = basis
        let least = Self.minimise(
            objective, tableau: &t, basis: &b, rows: rows, columns: variableCount, width: width, stopAt: upper - span - shift)! + shift
        return upper - least >= span - 1e-6
    }

    /// Minimises `cost · z` from the tableau's basis; `nil` when unbounded below. `columns` variables, then (at
    /// `width − 1`) the right-hand side. Stops early, with the value reached, once it is at most `stopAt`.
    private static func minimise(
        _ cost: [Double], tableau: inout [Double], basis: inout [Int], rows: Int, columns: Int, width: Int,
        stopAt: Double = -.infinity
    ) -> Double? {
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
        for b in basis { isBasic[b] = true }
        var degenerate = 0
        while true {
            // Dantzig: the most negative reduced cost; Bland (the first negative) after many degenerate pivots.
            var entering = -1
            var most = -epsilon
            for j in 0..<columns where !isBasic[j] && reduced[j] < most {
                entering = j
                if degenerate > 50 { break }
                most = reduced[j]
            }
            guard entering >= 0 else { return value }
            // Ratio test; ties go to the smallest basic variable (Bland).
            var leaving = -1
            var best = Double.infinity
            for i in 0..<rows {
                let a = tableau[i * width + entering]
                guard a > epsilon else { continue }
                let ratio = tableau[i * width + rhs] / a
                if ratio < best - epsilon || (abs(ratio - best) <= epsilon && basis[i] < basis[leaving]) {
                    best = ratio
                    leaving = i
                }
            }
            guard leaving >= 0 else { return nil }
            degenerate = best <= epsilon ? degenerate + 1 : 0
            isBasic[basis[leaving]] = false
            isBasic[entering] = true
            let factor = reduced[entering]
            pivot(row: leaving, column: entering, tableau: &tableau, basis: &basis, rows: rows, width: width)
            for j in 0..<columns { reduced[j] -= factor * tableau[leaving * width + j] }
            value += factor * tableau[leaving * width + rhs]
            if value <= stopAt { return value }
        }
    }

    private static func pivot(row: Int, column: Int, tableau: inout [Double], basis: inout [Int], rows: Int, width: Int) {
        tableau.withUnsafeMutableBufferPointer { t in
            let base = row * width
            let divisor = t[base + column]
            for j in 0..<width { t[base + j] /= divisor }
            for i in 0..<rows where i != row {
                let other = i * width
                let factor = t[other + column]
                guard factor != 0 else { continue }
                for j in 0..<width { t[other + j] -= factor * t[base + j] }
            }
        }
        basis[row] = column
    }
}
