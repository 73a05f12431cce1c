/// Proof by example that an attacker cannot pin a hidden cell: two sets of values for the hidden cells, both
/// consistent with everything published, far enough apart in that cell.
///
/// The attacker's possible values form the set `A y = b, y ≥ lower` (`LinkModel.linearBounds`); the true values are
/// in it. A *move* changes hidden cells only (published cells stay exactly as they are) by ±1 each so that every
/// relation still holds: one pupil more in the cell, one fewer in another cell of a relation it is in, and so on until
/// every relation touched balances — a closed cycle through hidden cells (in two linked tables, the familiar +1 −1 −1
/// +1 of four cells; in withheld distributions, a pupil taken from one family's cells and given to another's). From
/// the truth, a move can be taken forwards as many times as the cells it lowers stay at or above their lower bounds,
/// and backwards as many times as the cells it raises do; each such point is one the attacker cannot tell from the
/// truth. When the two ends are `width` apart, every cell of the move has an interval at least that wide. A proof
/// found here is exact (integers, no tolerance). Used for components too large for the simplex (`LinearBounds`);
/// a cell the search cannot show is checked relation by relation only, and counted in the DPO's report.
extension LinkModel {
    /// The protected `cells` (of one component) shown by moves to have intervals at least `width` wide.
    func provenByMoves(_ cells: [Int], width: Int, unknown: [Bool], search: inout MoveSearch) -> [Int: Bool] {
        var proven: [Int: Bool] = [:]
        for cell in cells { proven[cell] = false }
        search.allowance = MoveSearch.allowance * cells.count
        for cell in cells where proven[cell] == false {
            guard
                let move = search.find(through: cell, in: self, unknown: unknown)
                    ?? search.find(through: cell, direction: -1, in: self, unknown: unknown)
            else { continue }
            // Forwards, limited by the cells it lowers; backwards, by the cells it raises.
            var forwards = width
            var backwards = width
            for (moved, change) in move {
                if change < 0 { forwards = min(forwards, search.slack(moved)) } else { backwards = min(backwards, search.slack(moved)) }
            }
            if forwards + backwards >= width {
                for (moved, _) in move where proven[moved] != nil { proven[moved] = true }
            } else {
                proven[cell] = spansBySteps(cell, width: width, unknown: unknown, search: &search)
            }
        }
        return proven
    }

    /// Moves up from the truth, one after another, then moves down: whether they take `cell` `width` apart.
    private func spansBySteps(_ cell: Int, width: Int, unknown: [Bool], search: inout MoveSearch) -> Bool {
        var reach = 0
        for direction in [1, -1] {
            defer { search.restore() }
            while reach < width, let move = search.find(through: cell, direction: direction, in: self, unknown: unknown) {
                let step = move.reduce(width - reach) { $1.change < 0 ? min($0, search.slack($1.cell)) : $0 }
                search.apply(move, times: step)
                reach += step
            }
        }
        return reach >= width
    }
}

/// The scratch state of a move search, reused across the components of one subject's audit round.
struct MoveSearch {
    /// The true values, the values with the moves applied so far, and the cells changed (to restore).
    private let values: [Int]
    private var current: [Int]
    private var changed: [Int] = []
    /// Per cell, the attacker's lower bound.
    private let lower: [Int]
    /// The move being built: per cell, its change (0 when not in it), and the cells in it in order.
    private var change: [Int8]
    private var cells: [Int] = []
    /// Per relation, Σ coefficient × change over the move so far; the relations out of balance, and each one's
    /// place in that list (-1 when balanced).
    private var residual: [Int]
    private var unbalanced: [Int] = []
    private var place: [Int]
    private var nodes = 0
    /// Search steps left for the component being audited (`provenByMoves` sets it).
    var allowance = 0

    /// Cells in one move, and search steps spent looking for one, at most. (At national scale, 100 steps show
    /// 1,846 of the 2,041 cells of the largest components, 1,000 show 1,968 at half as much again of the audit's
    /// time; docs/performance.md.)
    static let longestMove = 96
    static let budget = 100
    /// Search steps per protected cell of a component, on average, at most: a few cells that no move reaches must not
    /// cost the search's whole budget each.
    static let allowance = 60

    init(_ model: LinkModel, unknown: [Bool]) {
        values = model.values
        current = model.values
        lower = (0..<model.cellCount).map { Int(model.lowerBound($0, unknown: unknown)) }
        change = Array(repeating: 0, count: model.cellCount)
        residual = Array(repeating: 0, count: model.relationCount)
        place = Array(repeating: -1, count: model.relationCount)
    }

    /// How far below its current value a cell can go.
    func slack(_ cell: Int) -> Int { current[cell] - lower[cell] }

    mutating func apply(_ move: [(cell: Int, change: Int)], times: Int) {
        for (cell, delta) in move {
            changed.append(cell)
            current[cell] += delta * times
        }
    }

    /// Back to the true values.
    mutating func restore() {
        for cell in changed { current[cell] = values[cell] }
        changed.removeAll(keepingCapacity: true)
    }

    /// A move that changes `cell` by `direction` and leaves every relation balanced, through unknown cells, each of
    /// those it lowers able to go down by one; `nil` when the search finds none within its bounds.
    mutating func find(through cell: Int, direction: Int = 1, in model: LinkModel, unknown: [Bool]) -> [(cell: Int, change: Int)]? {
        guard direction > 0 || slack(cell) >= 1 else { return nil }
        nodes = 0
        add(cell, direction, in: model)
        defer { clear(in: model) }
        guard extend(in: model, unknown: unknown) else { return nil }
        return cells.map { ($0, Int(change[$0])) }
    }

    private mutating func add(_ cell: Int, _ delta: Int, in model: LinkModel) {
        change[cell] = Int8(delta)
        cells.append(cell)
        for term in model.termsOf[cell] { shift(model.termRelation[term], by: delta * Int(model.termSign[term])) }
    }

    private mutating func remove(_ cell: Int, in model: LinkModel) {
        let delta = Int(change[cell])
        for term in model.termsOf[cell] { shift(model.termRelation[term], by: -delta * Int(model.termSign[term])) }
        change[cell] = 0
        cells.removeLast()
    }

    private mutating func shift(_ relation: Int, by amount: Int) {
        residual[relation] += amount
        if residual[relation] != 0, place[relation] < 0 {
            place[relation] = unbalanced.count
            unbalanced.append(relation)
        } else if residual[relation] == 0, place[relation] >= 0 {
            let last = unbalanced.removeLast()
            if last != relation {
                unbalanced[place[relation]] = last
                place[last] = place[relation]
            }
            place[relation] = -1
        }
    }

    private mutating func clear(in model: LinkModel) {
        while let cell = cells.last { remove(cell, in: model) }
    }

    /// The change a candidate cell of `relation` would take to balance it, when it can.
    private func balancing(_ term: Int, of relation: Int, in model: LinkModel, unknown: [Bool]) -> Int? {
        let candidate = model.termCell[term]
        guard unknown[candidate], change[candidate] == 0 else { return nil }
        let delta = (residual[relation] > 0 ? -1 : 1) * Int(model.termSign[term])
        return delta < 0 && slack(candidate) < 1 ? nil : delta
    }

    /// Depth-first: balance the unbalanced relation with the fewest cells that could balance it, trying the cells
    /// with the most room first.
    private mutating func extend(in model: LinkModel, unknown: [Bool]) -> Bool {
        nodes += 1
        allowance -= 1
        guard nodes <= Self.budget, allowance >= 0 else { return false }
        var best = -1
        var fewest = Int.max
        for relation in unbalanced {
            var choices = 0
            for term in model.terms(relation) where balancing(term, of: relation, in: model, unknown: unknown) != nil { choices += 1 }
            if choices < fewest {
                (best, fewest) = (relation, choices)
                if choices <= 1 { break }
            }
        }
        guard best >= 0 else { return true }
        guard fewest > 0, cells.count < Self.longestMove else { return false }
        var choices: [(cell: Int, change: Int)] = []
        for term in model.terms(best) {
            if let delta = balancing(term, of: best, in: model, unknown: unknown) { choices.append((model.termCell[term], delta)) }
        }
        choices.sort { (slack($0.cell), $1.cell) > (slack($1.cell), $0.cell) }
        for (candidate, delta) in choices {
            add(candidate, delta, in: model)
            if extend(in: model, unknown: unknown) { return true }
            remove(candidate, in: model)
            guard nodes <= Self.budget, allowance >= 0 else { return false }
        }
        return false
    }
}
