/// The bounds an attacker can derive for unknown (suppressed) values from linear equalities over what is published:
/// minimise and maximise each unknown subject to `A y = b`, `y ≥ lower`. A dense two-phase simplex with Bland's
/// rule (no cycling); the systems are one subject's linked tables, restricted to the cells they leave unknown.
struct LinearBounds {
    private static let epsilon = 1e-9

    /// Rows of the feasible set in canonical form for the current basis: `tableau[i]` holds the coefficients of
    /// the shifted variables `z = y − lower` and, last, the right-hand side.
    private var tableau: [[Double]]
    private var basis: [Int]
    private let lower: [Double]
    let variableCount: Int

    /// `nil` when the equalities have no solution with `y ≥ lower`.
    init?(coefficients: [[Double]], rightHandSide: [Double], lower: [Double]) {
        let n = lower.count
        let m = coefficients.count
        precondition(rightHandSide.count == m && coefficients.allSatisfy { $0.count == n }, "a malformed system")
        self.lower = lower
        variableCount = n
        // Shift to z = y − lower ≥ 0 and make every right-hand side non-negative; one artificial variable per row.
        var rows: [[Double]] = []
        for i in 0..<m {
            var rhs = rightHandSide[i]
            for j in 0..<n { rhs -= coefficients[i][j] * lower[j] }
            let sign: Double = rhs < 0 ? -1 : 1
            var row = coefficients[i].map { $0 * sign }
            row += (0..<m).map { $0 == i ? 1 : 0 }
            row.append(rhs * sign)
            rows.append(row)
        }
        tableau = rows
        basis = (0..<m).map { n + $0 }
        // Phase 1: minimise the sum of the artificial variables.
        let phaseOne = (0..<(n + m)).map { $0 >= n ? 1.0 : 0.0 }
        guard let infeasibility = Self.minimise(phaseOne, tableau: &tableau, basis: &basis, columns: n + m),
            infeasibility < 1e-7 * max(1, tableau.reduce(0) { $0 + abs($1[n + m]) })
        else { return nil }
        // Drive artificial variables out of the basis; a row where that is impossible is redundant.
        var i = 0
        while i < tableau.count {
            if basis[i] >= n {
                if let column = (0..<n).first(where: { abs(tableau[i][$0]) > Self.epsilon }) {
                    Self.pivot(row: i, column: column, tableau: &tableau, basis: &basis)
                } else {
                    tableau.remove(at: i)
                    basis.remove(at: i)
                    continue
                }
            }
            i += 1
        }
        tableau = tableau.map { Array($0[0..<n]) + [$0[n + m]] }
    }

    /// The least and greatest value `y[variable]` can take (`nil` for greatest when unbounded).
    func bounds(of variable: Int) -> (lower: Double, upper: Double?) {
        var objective = [Double](repeating: 0, count: variableCount)
        objective[variable] = 1
        var t = tableau
        var b = basis
        let least = Self.minimise(objective, tableau: &t, basis: &b, columns: variableCount)!
        objective[variable] = -1
        t = tableau
        b = basis
        let most = Self.minimise(objective, tableau: &t, basis: &b, columns: variableCount).map { -$0 }
        return (least + lower[variable], most.map { $0 + lower[variable] })
    }

    /// Minimises `cost · z` from the tableau's basis; `nil` when unbounded below.
    private static func minimise(_ cost: [Double], tableau: inout [[Double]], basis: inout [Int], columns: Int) -> Double? {
        let rhs = columns
        while true {
            // Reduced costs r_j = c_j − Σ_i c_basis(i) · T[i][j]; Bland: the first improving column enters.
            var entering: Int? = nil
            for j in 0..<columns where !basis.contains(j) {
                var reduced = cost[j]
                for i in tableau.indices { reduced -= cost[basis[i]] * tableau[i][j] }
                if reduced < -epsilon {
                    entering = j
                    break
                }
            }
            guard let column = entering else {
                return tableau.indices.reduce(0) { $0 + cost[basis[$1]] * tableau[$1][rhs] }
            }
            // Ratio test; ties go to the smallest basic variable (Bland).
            var leaving: Int? = nil
            var best = Double.infinity
            for i in tableau.indices where tableau[i][column] > epsilon {
                let ratio = tableau[i][rhs] / tableau[i][column]
                if ratio < best - epsilon || (abs(ratio - best) <= epsilon && basis[i] < basis[leaving!]) {
                    best = ratio
                    leaving = i
                }
            }
            guard let row = leaving else { return nil }
            pivot(row: row, column: column, tableau: &tableau, basis: &basis)
        }
    }

    private static func pivot(row: Int, column: Int, tableau: inout [[Double]], basis: inout [Int]) {
        let divisor = tableau[row][column]
        for j in tableau[row].indices { tableau[row][j] /= divisor }
        for i in tableau.indices where i != row {
            let factor = tableau[i][column]
            guard factor != 0 else { continue }
            for j in tableau[i].indices { tableau[i][j] -= factor * tableau[row][j] }
        }
        basis[row] = column
    }
}
