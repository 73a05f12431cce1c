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
    func provenByMoves(_ cells: [Int], width: Int, search: inout MoveSearch) -> [Int: Bool] {
        var proven: [Int: Bool] = [:]
        for cell in cells { proven[cell] = false }
        search.allowance = MoveSearch.allowance * cells.count
        for cell in cells where proven[cell] == false {
            guard
                let move = search.find(through: cell)
                    ?? search.find(through: cell, direction: -1)
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
                proven[cell] = spansBySteps(cell, width: width, search: &search)
            }
        }
        return proven
    }

    /// Moves up from the truth, one after another, then moves down: whether they take `cell` `width` apart.
    private func spansBySteps(_ cell: Int, width: Int, search: inout MoveSearch) -> Bool {
        var reach = 0
        for direction in [1, -1] {
            defer { search.restore() }
            while reach < width, let move = search.find(through: cell, direction: direction) {
                let step = move.reduce(width - reach) { $1.change < 0 ? min($0, search.slack($1.cell)) : $0 }
                search.apply(move, times: step)
                reach += step
            }
        }
        return reach >= width
    }
}

/// The scratch state of a move search, reused across the components of one subject's audit round.
///
/// Each step of the search picks the unbalanced relation with the fewest cells that could balance it, so those
/// counts are kept per relation as they change rather than counted: a cell can balance a relation that needs +1 if
/// its coefficient there is +1 (any unknown cell can go up) or −1 and it can go down, and the other way round.
struct MoveSearch {
    private let model: LinkModel
    private let unknown: [Bool]
    /// The true values, the values with the moves applied so far, and the cells changed (to restore).
    private let values: [Int]
    private var current: [Int]
    private var changed: [Int] = []
    /// Per cell, the attacker's lower bound, and whether it can go down by one from its current value.
    private let lower: [Int]
    private var lowerable: [Bool]
    /// The move being built: per cell, its change (0 when not in it), and the cells in it in order.
    private var change: [Int8]
    private var cells: [Int] = []
    /// Per relation, Σ coefficient × change over the move so far; the relations out of balance, and each one's
    /// place in that list (-1 when balanced).
    private var residual: [Int]
    private var unbalanced: [Int] = []
    private var place: [Int]
    /// Per relation, four counts of its unknown cells outside the move: with coefficient +1, with −1, and of those
    /// the ones that can go down (+1, −1): `4 × relation + kind`.
    private var free: [Int]
    private var nodes = 0
    /// Search steps left for the component being audited (`provenByMoves` sets it).
    var allowance = 0

    /// Cells in one move, and search steps spent looking for one, at most.
    static let longestMove = 96
    static let budget = 100
    /// Search steps per protected cell of a component, on average, at most: a few cells that no move reaches must not
    /// cost the search's whole budget each (docs/performance.md has the trade-off).
    static let allowance = 60

    init(_ model: LinkModel, unknown: [Bool]) {
        self.model = model
        self.unknown = unknown
        values = model.values
        current = model.values
        let lower = (0..<model.cellCount).map { Int(model.lowerBound($0, unknown: unknown)) }
        self.lower = lower
        lowerable = (0..<model.cellCount).map { unknown[$0] && model.values[$0] - lower[$0] >= 1 }
        change = Array(repeating: 0, count: model.cellCount)
        residual = Array(repeating: 0, count: model.relationCount)
        place = Array(repeating: -1, count: model.relationCount)
        free = Array(repeating: 0, count: 4 * model.relationCount)
        for cell in 0..<model.cellCount where unknown[cell] { count(cell, by: 1) }
    }

    private static func kind(_ sign: Int8, lowerable: Bool) -> Int { (sign > 0 ? 0 : 1) + (lowerable ? 2 : 0) }

    /// Adds `amount` to the free counts of every relation `cell` is in (it left or joined the move, or its room to go
    /// down changed).
    private mutating func count(_ cell: Int, by amount: Int, lowerableOnly: Bool = false) {
        for term in model.termsOf(cell) {
            let base = 4 * model.termRelation[term]
            let sign = model.termSign[term]
            if !lowerableOnly { free[base + Self.kind(sign, lowerable: false)] += amount }
            if lowerable[cell] { free[base + Self.kind(sign, lowerable: true)] += amount }
        }
    }

    /// How many cells outside the move could balance `relation`.
    private func available(_ relation: Int) -> Int {
        let base = 4 * relation
        // Needs +1: a +1 cell going up or a −1 cell going down; needs −1: the other way round.
        return residual[relation] < 0 ? free[base] + free[base + 3] : free[base + 1] + free[base + 2]
    }

    /// How far below its current value a cell can go.
    func slack(_ cell: Int) -> Int { current[cell] - lower[cell] }

    mutating func apply(_ move: [(cell: Int, change: Int)], times: Int) {
        for (cell, delta) in move {
            changed.append(cell)
            set(cell, current[cell] + delta * times)
        }
    }

    /// Back to the true values.
    mutating func restore() {
        for cell in changed { set(cell, values[cell]) }
        changed.removeAll(keepingCapacity: true)
    }

    private mutating func set(_ cell: Int, _ value: Int) {
        current[cell] = value
        let canGoDown = value - lower[cell] >= 1
        guard canGoDown != lowerable[cell] else { return }
        if lowerable[cell] { count(cell, by: -1, lowerableOnly: true) }
        lowerable[cell] = canGoDown
        if canGoDown { count(cell, by: 1, lowerableOnly: true) }
    }

    /// A move that changes `cell` by `direction` and leaves every relation balanced, through unknown cells, each of
    /// those it lowers able to go down by one; `nil` when the search finds none within its bounds.
    mutating func find(through cell: Int, direction: Int = 1) -> [(cell: Int, change: Int)]? {
        guard direction > 0 || lowerable[cell] else { return nil }
        nodes = 0
        add(cell, direction)
        defer { while let last = cells.last { remove(last) } }
        guard extend() else { return nil }
        return cells.map { ($0, Int(change[$0])) }
    }

    private mutating func add(_ cell: Int, _ delta: Int) {
        change[cell] = Int8(delta)
        cells.append(cell)
        count(cell, by: -1)
        for term in model.termsOf(cell) { shift(model.termRelation[term], by: delta * Int(model.termSign[term])) }
    }

    private mutating func remove(_ cell: Int) {
        let delta = Int(change[cell])
        change[cell] = 0
        cells.removeLast()
        count(cell, by: 1)
        for term in model.termsOf(cell) { shift(model.termRelation[term], by: -delta * Int(model.termSign[term])) }
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

    /// Depth-first: balance the unbalanced relation with the fewest cells that could balance it, trying the cells
    /// with the most room first.
    private mutating func extend() -> Bool {
        nodes += 1
        allowance -= 1
        guard nodes <= Self.budget, allowance >= 0 else { return false }
        var best = -1
        var fewest = Int.max
        for relation in unbalanced {
            let choices = available(relation)
            if choices < fewest {
                (best, fewest) = (relation, choices)
                if choices <= 1 { break }
            }
        }
        guard best >= 0 else { return true }
        guard fewest > 0, cells.count < Self.longestMove else { return false }
        var choices: [(cell: Int, change: Int)] = []
        let needed = residual[best] > 0 ? -1 : 1
        for term in model.terms(best) {
            let candidate = model.termCell[term]
            let delta = needed * Int(model.termSign[term])
            guard unknown[candidate], change[candidate] == 0, delta > 0 || lowerable[candidate] else { continue }
            choices.append((candidate, delta))
        }
        choices.sort { (slack($0.cell), $1.cell) > (slack($1.cell), $0.cell) }
        for (candidate, delta) in choices {
            add(candidate, delta)
            if extend() { return true }
            remove(candidate)
            guard nodes <= Self.budget, allowance >= 0 else { return false }
        }
        return false
    }
}
