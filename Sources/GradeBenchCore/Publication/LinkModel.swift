/// The linear relations between one subject's cells, and the audit over them.
///
/// Cells are numbered: the distributions in key order, each one's grades then its entries, so numeric order is
/// (key, column) order and every tie-break below is the same as over keys. Relations are index lists. (Cells keyed by
/// `DistributionKey` — strings and an indirect enum hashed and reference-counted on every use — were most of a
/// publication's time.)
struct LinkModel {
    /// A grade count (`column` < the scale's grade count) or the entries (`column` == the grade count): the readable
    /// name of a cell number.
    struct Cell: Hashable, Comparable {
        let key: DistributionKey
        let column: Int

        static func < (lhs: Cell, rhs: Cell) -> Bool { (lhs.key, lhs.column) < (rhs.key, rhs.column) }
    }

    /// The distributions in key order.
    let keys: [DistributionKey]
    /// Per distribution, its first cell; one more entry at the end (the cell count).
    let firstCell: [Int]
    let isDifference: [Bool]
    /// Per cell: its true value and its distribution.
    let values: [Int]
    let distributionOf: [Int]
    /// Relation `r` is Σ coefficient × cell = (known constant) over terms `relationStart[r] ..< relationStart[r + 1]`.
    private let relationStart: [Int]
    let termCell: [Int]
    /// Per term, its coefficient (every coefficient is +1 or −1) and its relation.
    let termSign: [Int8]
    let termRelation: [Int]
    /// Per cell, its terms in the relations it is in (`termsOf`): a flat list and where each cell's starts.
    private let cellTermStart: [Int]
    private let cellTerms: [Int]

    var cellCount: Int { values.count }
    var relationCount: Int { relationStart.count - 1 }

    init(_ distributions: [DistributionKey: Distribution]) {
        // Every order below is sorted: dictionaries and sets iterate in an order that differs between instances and
        // runs, and the suppression pattern must not.
        let keys = DistributionKey.sorted(Array(distributions.keys)) { $0 }
        var firstCell: [Int] = []
        var values: [Int] = []
        var distributionOf: [Int] = []
        for (number, key) in keys.enumerated() {
            let distribution = distributions[key]!
            firstCell.append(values.count)
            for grade in distribution.grades { values.append(grade.total) }
            values.append(distribution.entries.total)
            distributionOf += repeatElement(number, count: distribution.grades.count + 1)
        }
        firstCell.append(values.count)

        var relationStart = [0]
        var termCell: [Int] = []
        var termSign: [Int8] = []
        /// Every relation is parts (coefficient +1) less their whole (−1).
        func relation(_ parts: some Sequence<Int>, less whole: Int) {
            for cell in parts {
                termCell.append(cell)
                termSign.append(1)
            }
            termCell.append(whole)
            termSign.append(-1)
            relationStart.append(termCell.count)
        }
        // Distributions by family and group number (a grid, not keys hashed for each relation's every member).
        let families = Set(keys.map(\.family)).sorted()
        let familyNumber = Dictionary(uniqueKeysWithValues: families.enumerated().map { ($1, $0) })
        let groupCount = PupilGroup.every.count
        var grid = [Int](repeating: -1, count: families.count * groupCount)
        var hasGroup = [Bool](repeating: false, count: groupCount)
        for (number, key) in keys.enumerated() {
            guard let group = Self.groupNumber[key.group] else { continue }
            grid[familyNumber[key.family]! * groupCount + group] = number
            hasGroup[group] = true
        }
        func distribution(_ family: Int?, _ group: Int) -> Int? {
            guard let family, grid[family * groupCount + group] >= 0 else { return nil }
            return grid[family * groupCount + group]
        }
        /// Per column, the members add up to the whole (less a known remainder): members − whole.
        func partition(_ members: [Int?], of whole: Int?) {
            let members = members.compactMap { $0 }
            guard !members.isEmpty, let whole else { return }
            for column in 0..<(firstCell[whole + 1] - firstCell[whole]) {
                relation(members.lazy.map { firstCell[$0] + column }, less: firstCell[whole] + column)
            }
        }
        // A distribution's grades add up to its entries.
        for number in keys.indices {
            let entries = firstCell[number + 1] - 1
            relation(firstCell[number]..<entries, less: entries)
        }
        // The groups of one characteristic, within a family and a column, add up to at most all pupils.
        for family in families.indices {
            for groups in Self.characteristicGroups {
                partition(groups.map { distribution(family, $0) }, of: distribution(family, 0))
            }
        }
        // The families of one attribute, within a group and a column, add up to at most all schools.
        let all = familyNumber[.all]
        let byDimension = Family.Dimension.partitions.map { dimension in families.indices.filter { families[$0].dimension == dimension } }
        for group in 0..<groupCount where hasGroup[group] {
            for members in byDimension {
                partition(members.map { distribution($0, group) }, of: distribution(all, group))
            }
        }
        // A smaller family and the schools of a larger one that are not in it add up to the larger family.
        for (number, key) in keys.enumerated() {
            guard case .difference(let smaller, let larger) = key.family.kind, let group = Self.groupNumber[key.group] else { continue }
            partition([distribution(familyNumber[smaller], group), number], of: distribution(familyNumber[larger], group))
        }
        // Each cell's terms, in term order, laid out by counting (no array per cell: a national publication's
        // subjects have 200,000 cells between them).
        var cellTermStart = [Int](repeating: 0, count: values.count + 1)
        for cell in termCell { cellTermStart[cell + 1] += 1 }
        for cell in values.indices { cellTermStart[cell + 1] += cellTermStart[cell] }
        var next = cellTermStart
        var cellTerms = [Int](repeating: 0, count: termCell.count)
        var termRelation = [Int](repeating: 0, count: termCell.count)
        for relation in 0..<(relationStart.count - 1) {
            for term in relationStart[relation]..<relationStart[relation + 1] {
                cellTerms[next[termCell[term]]] = term
                next[termCell[term]] += 1
                termRelation[term] = relation
            }
        }
        self.keys = keys
        self.firstCell = firstCell
        self.isDifference = keys.map(\.family.isDifference)
        self.values = values
        self.distributionOf = distributionOf
        self.relationStart = relationStart
        self.termCell = termCell
        self.termSign = termSign
        self.cellTermStart = cellTermStart
        self.cellTerms = cellTerms
        self.termRelation = termRelation
    }

    /// Each pupil group's position in `PupilGroup.every` (`all` is 0), and each characteristic's groups by position.
    private static let groupNumber = Dictionary(uniqueKeysWithValues: PupilGroup.every.enumerated().map { ($1, $0) })
    private static let characteristicGroups = PupilCharacteristics.columns.map { column in
        column.values.map { groupNumber[PupilGroup(dimension: column.name, value: $0)]! }
    }

    func entries(ofDistribution number: Int) -> Int { firstCell[number + 1] - 1 }

    func isEntries(_ cell: Int) -> Bool { cell == entries(ofDistribution: distributionOf[cell]) }

    func cell(_ number: Int) -> Cell {
        let distribution = distributionOf[number]
        return Cell(key: keys[distribution], column: number - firstCell[distribution])
    }

    func terms(_ relation: Int) -> Range<Int> { relationStart[relation]..<relationStart[relation + 1] }

    /// The terms a cell has in its relations (`termRelation`, `termSign`), as a flat list's range.
    func termsOf(_ cell: Int) -> ArraySlice<Int> { cellTerms[cellTermStart[cell]..<cellTermStart[cell + 1]] }

    /// The relations a cell is in.
    func relations(of cell: Int) -> LazyMapSequence<ArraySlice<Int>, Int> { termsOf(cell).lazy.map { termRelation[$0] } }

    /// The attacker's interval for every unknown cell: minimum and maximum (nil when unbounded).
    func intervals(suppressed: Set<Cell>) -> [Cell: (lower: Double, upper: Double?)] {
        let number = Dictionary(uniqueKeysWithValues: (0..<cellCount).map { (cell($0), $0) })
        var unknown = [Bool](repeating: false, count: cellCount)
        for cell in suppressed { if let found = number[cell] { unknown[found] = true } }
        var result: [Cell: (lower: Double, upper: Double?)] = [:]
        for component in components(unknown) {
            let bounds = componentSystem(component, unknown: unknown).bounds
            for (index, cell) in component.enumerated() { result[self.cell(cell)] = bounds.bounds(of: index) }
        }
        return result
    }

    /// What an attacker knows of an unknown cell before any arithmetic: a count suppressed inside a published
    /// distribution is not zero (true zeros are published); difference-family cells and totals may be zero.
    func lowerBound(_ cell: Int, unknown: [Bool]) -> Double {
        let distribution = distributionOf[cell]
        let entries = entries(ofDistribution: distribution)
        return cell != entries && !unknown[entries] && !isDifference[distribution] ? 1 : 0
    }

    /// The attacker's system over one component's unknown cells (`LinearBounds`): the simplex over it, each cell's
    /// variable, and each of the component's relations' row.
    struct ComponentSystem {
        var bounds: LinearBounds
        let position: [Int: Int]
        let row: [Int: Int]
    }

    /// The system over `component`'s relations. With `pricingRows`, each row also gets a variable held at zero (after
    /// the cells' variables), so that the simplex prices the rows (`widening`).
    func componentSystem(_ component: [Int], unknown: [Bool], pricingRows: Bool = false) -> ComponentSystem {
        let position = Dictionary(uniqueKeysWithValues: component.enumerated().map { ($1, $0) })
        var rows: [[(variable: Int, coefficient: Double)]] = []
        var rightHandSide: [Double] = []
        var rowOf: [Int: Int] = [:]
        for cell in component {
            for relation in relations(of: cell) where rowOf[relation] == nil {
                rowOf[relation] = rows.count
                var row: [(variable: Int, coefficient: Double)] = []
                var constant = 0.0
                for term in terms(relation) {
                    guard let column = position[termCell[term]] else { continue }
                    row.append((column, Double(termSign[term])))
                    constant += Double(termSign[term]) * Double(values[termCell[term]])
                }
                rows.append(row)
                rightHandSide.append(constant)
            }
        }
        var lower = component.map { lowerBound($0, unknown: unknown) }
        if pricingRows {
            for number in rows.indices { rows[number].append((component.count + number, 1)) }
            lower += repeatElement(0, count: rows.count)
        }
        guard let bounds = LinearBounds(rows: rows, rightHandSide: rightHandSide, lower: lower, fixed: pricingRows ? rows.count : 0)
        else { preconditionFailure("the true values do not satisfy the tables' own relations") }
        return ComponentSystem(bounds: bounds, position: position, row: rowOf)
    }

    /// The published cell to suppress so that `cell`'s too narrow interval widens.
    ///
    /// The smallest published cell merely linked with `cell` often lies outside whatever binds its interval, and
    /// suppressing it changes nothing (at national scale, dozens of rounds on one cell). So the simplex prices every
    /// published cell of the component's relations at both ends of the interval: the smallest whose reduced cost is
    /// not zero would move that end if it were unknown (it can go either way from its value). Failing that, a lower
    /// bound of one pupil that binds (a count suppressed inside a published distribution): the smallest such
    /// distribution's entries, whose withholding lowers the bound to zero.
    ///
    /// A published cell's reduced cost is its column's terms priced by the rows (each row's price is the reduced cost
    /// of a variable held at zero in that row alone): the same as making each one a variable held at its value, with
    /// a column per row rather than per published cell (hundreds) carried through every pivot.
    private func widening(_ cell: Int, in component: [Int], unknown: [Bool], publishable: (Int) -> Bool) -> Int? {
        var system = componentSystem(component, unknown: unknown, pricingRows: true)
        var isPriced = [Bool](repeating: false, count: cellCount)
        var priced: [Int] = []
        for relation in system.row.keys {
            for term in terms(relation) where publishable(termCell[term]) && !isPriced[termCell[term]] {
                isPriced[termCell[term]] = true
                priced.append(termCell[term])
            }
        }
        let (least, most) = system.bounds.takeReducedCosts(of: system.position[cell]!)
        func price(_ published: Int, _ reduced: [Double]) -> Double {
            var sum = 0.0
            for term in termsOf(published) {
                guard let row = system.row[termRelation[term]] else { continue }
                sum += Double(termSign[term]) * reduced[component.count + row]
            }
            return sum
        }
        func binds(_ published: Int) -> Bool {
            abs(price(published, least)) > 1e-9 || (most.map { abs(price(published, $0)) > 1e-9 } ?? false)
        }
        if let freed = smallest(priced.filter(binds)) { return freed }
        func bindsAt(_ variable: Int) -> Bool { abs(least[variable]) > 1e-9 || (most.map { abs($0[variable]) > 1e-9 } ?? false) }
        return smallest(
            component.enumerated().filter { bindsAt($0.offset) && lowerBound($0.element, unknown: unknown) == 1 }
                .map { entries(ofDistribution: distributionOf[$0.element]) }.filter(publishable))
    }

    /// Linked components with more unknown cells than this get moves first (`provenByMoves`), the simplex only for
    /// the cells the moves do not reach: the simplex grows with the cube of a component's size (the largest
    /// components, a niche subject withheld in most families, are made of whole withheld distributions).
    static let auditLimit = 160
    /// Components with more unknown cells than this are not solved by the simplex at all (its dense tableau would not
    /// fit the time): moves, and relation by relation for the cells they do not reach, counted in the DPO's report
    /// (`Audit.relationOnly`). The largest national component has 336 unknown cells; a small collection, mostly
    /// withheld, has larger ones: at 300 schools, this limit leaves 1,400 cells relation-checked and takes 15 s (23 s
    /// before the simplex stopped copying its tableau; at 3,000, none were left but it took 38 s; the 40-school demo's
    /// components are larger still). docs/performance.md has the figures.
    static let exactLimit = 1500

    /// The next cells to suppress, or none when every protected cell is safe.
    ///
    /// `unknown` are the cells an attacker does not see (suppressed cells and every cell of a difference family);
    /// `protected` are those that must not be derivable (suppressed cells, and difference cells failing the primary
    /// rules).
    ///
    /// First, each relation on its own (fast, and it settles most cases): the unknown cells of a relation add up to a
    /// known sum S, so a protected one among k lies within an interval no wider than S less the others' lower bounds
    /// less its own. Where that is narrower than `width` (one lone unknown cell: width 0 — a group less its
    /// complement, a family less the others), the relation's smallest non-zero published cell is added. Only when no
    /// relation needs more does the audit run over everything at once: in each linked component (entries cells
    /// first), moves where it is large, then the exact interval (`LinearBounds`) of each cell not yet shown safe. For
    /// the first cell narrower than `width`, the smallest published cell that widens it is added (`widening`: a
    /// non-zero reduced cost); failing that, the smallest one in a relation it is in, else one linked with the
    /// component, else a linked distribution is withheld.
    /// Also returns, when the relation-by-relation check needs nothing more, how the protected cells (true count ≥ 1)
    /// were shown safe: by the simplex, by moves, or relation by relation only (components above `exactLimit`).
    ///
    /// `memory` carries what earlier rounds over the same tables showed (`AuditMemory`): components found safe are not
    /// audited again, and cells already shown safe are not searched or solved for again.
    func additions(
        unknown: [Bool], protected: [Bool], width: Double, memory: inout AuditMemory, limit: Int = auditLimit
    ) -> (cells: [Int], audit: SuppressionReport.Audit) {
        memory.begin(unknown: unknown)
        func publishable(_ cell: Int) -> Bool { !unknown[cell] && !isDifference[distributionOf[cell]] && values[cell] > 0 }
        // A true zero discloses no pupil (published distributions publish them): only counts of at least one pupil
        // need an interval.
        func needsInterval(_ cell: Int) -> Bool { protected[cell] && values[cell] > 0 }
        // But a zero suppressed in a distribution that has pupils must not be a relation's one unknown cell: derived
        // exactly, its zeros tell that none of the group's pupils has those grades, and when all the others are
        // zeros, that every one of them has the grade left (the group attribute rule's disclosure, by subtraction).
        func isZeroOfAGroupWithPupils(_ cell: Int) -> Bool {
            protected[cell] && values[cell] == 0 && values[entries(ofDistribution: distributionOf[cell])] > 0
        }
        var chosen: [Int] = []
        var isChosen = [Bool](repeating: false, count: cellCount)
        func choose(_ cell: Int) {
            guard !isChosen[cell] else { return }
            isChosen[cell] = true
            chosen.append(cell)
        }
        var hidden: [Int] = []
        for relation in 0..<relationCount {
            hidden.removeAll(keepingCapacity: true)
            var sameSide = true
            var side: Int8 = 0
            for term in terms(relation) where unknown[termCell[term]] {
                if hidden.isEmpty { side = termSign[term] } else if termSign[term] != side { sameSide = false }
                hidden.append(termCell[term])
            }
            guard hidden.contains(where: needsInterval) || (hidden.count == 1 && isZeroOfAGroupWithPupils(hidden[0])),
                !hidden.contains(where: { isChosen[$0] })
            else { continue }
            // One unknown is pinned. Unknowns all on one side add up to a known sum: each lies within the sum less
            // the others' lower bounds. With unknowns on both sides the relation alone bounds nothing.
            let narrowest: Double
            if hidden.count == 1 {
                narrowest = 0
            } else if sameSide {
                narrowest = hidden.reduce(0.0) { $0 + Double(values[$1]) - lowerBound($1, unknown: unknown) }
            } else {
                continue
            }
            guard narrowest < width - 1e-6 else { continue }
            if let next = smallest(terms(relation).lazy.map { termCell[$0] }.filter(publishable)) {
                choose(next)
            } else if let other = withholdable(hidden, unknown: unknown) {
                choose(other)
            }
        }
        if !chosen.isEmpty { return (chosen, SuppressionReport.Audit()) }
        var audit = SuppressionReport.Audit()
        var search: MoveSearch?
        let components = components(unknown)
        memory.record(components)
        for component in components where component.contains(where: needsInterval) {
            if let known = memory.audited[component] {
                audit.add(known)
                continue
            }
            var found = SuppressionReport.Audit()
            let cells = component.filter(needsInterval)
            // Cells shown safe in an earlier round still are (so a small component's first failing cell is the same).
            // Totals first: a distribution's entries bound every count in it, so an entries cell too narrow is mended
            // before its counts, which cannot be wider than it.
            let unshown = cells.filter { memory.shown[$0] == nil }
            let pending = unshown.filter(isEntries) + unshown.filter { !isEntries($0) }
            // Where the simplex follows, a cell the moves missed in an earlier round goes straight to it: moves only
            // save work there, and the simplex's verdict is exact either way.
            let tried = component.count > Self.exactLimit ? pending : pending.filter { !memory.movesMissed[$0] }
            if component.count > limit, !tried.isEmpty {
                // Large: moves first (far cheaper than the simplex, and they settle most cells).
                if search == nil { search = MoveSearch(self, unknown: unknown) }
                for (cell, shown) in provenByMoves(tried, width: Int(width.rounded(.up)), search: &search!) {
                    if shown { memory.shown[cell] = .byMoves } else { memory.movesMissed[cell] = true }
                }
            }
            var system: ComponentSystem?
            var failing: Int?
            if component.count <= Self.exactLimit {
                for cell in pending where memory.shown[cell] == nil {
                    if system == nil { system = componentSystem(component, unknown: unknown) }
                    guard system!.bounds.spans(system!.position[cell]!, atLeast: width, truth: Double(values[cell])) else {
                        failing = cell
                        break
                    }
                    memory.shown[cell] = .byBounds
                }
            }
            found.byBounds = cells.filter { memory.shown[$0] == .byBounds }.count
            found.byMoves = cells.filter { memory.shown[$0] == .byMoves }.count
            guard let cell = failing else {
                found.relationOnly = cells.count - found.byBounds - found.byMoves
                memory.audited[component] = found
                audit.add(found)
                continue
            }
            if let next = widening(cell, in: component, unknown: unknown, publishable: publishable)
                ?? smallest(linked([cell]).filter(publishable)) ?? smallest(linked(component).filter(publishable))
                ?? withholdable(component, unknown: unknown)
            {
                choose(next)
            } else {
                // Everything linked is withheld already: nothing more can widen the interval. Counted for the DPO.
                found.relationOnly = cells.count - found.byBounds - found.byMoves
                audit.add(found)
            }
        }
        return (chosen, audit)
    }

    /// Every cell of every relation the `cells` are in, in relation order (with repeats).
    private func linked(_ cells: [Int]) -> [Int] { cells.flatMap { relations(of: $0).flatMap { terms($0).map { termCell[$0] } } } }

    /// Nothing published is left to add: the entries of a distribution among `cells` that is still published.
    private func withholdable(_ cells: [Int], unknown: [Bool]) -> Int? {
        cells.lazy.map { self.entries(ofDistribution: self.distributionOf[$0]) }
            .filter { !unknown[$0] && !self.isDifference[self.distributionOf[$0]] }.min()
    }

    private func smallest(_ cells: some Sequence<Int>) -> Int? {
        cells.min { (values[$0], $0) < (values[$1], $1) }
    }

    /// Unknown cells grouped by the relations that link them: each component in cell order, the components in the
    /// order of their roots (union–find, the first unknown cell of a relation taking the others' roots).
    private func components(_ unknown: [Bool]) -> [[Int]] {
        var parent = Array(0..<cellCount)
        func root(_ cell: Int) -> Int {
            var cell = cell
            while parent[cell] != cell {
                parent[cell] = parent[parent[cell]]
                cell = parent[cell]
            }
            return cell
        }
        for relation in 0..<relationCount {
            var first = -1
            for term in terms(relation) where unknown[termCell[term]] {
                if first < 0 { first = termCell[term] } else { parent[root(termCell[term])] = root(first) }
            }
        }
        var groups: [Int: [Int]] = [:]
        for cell in 0..<cellCount where unknown[cell] { groups[root(cell), default: []].append(cell) }
        return groups.keys.sorted().map { groups[$0]! }
    }
}

/// What the audit of one subject's linked tables showed in earlier suppression rounds.
///
/// Suppressing more only widens what an attacker can derive. A published value that becomes unknown turns a constant
/// of the attacker's system into a variable (every old solution is still one), and a lower bound can only drop (a
/// distribution whose entries are withheld may be empty). So a cell shown safe — by the simplex, or by a move through
/// unknown cells within their bounds — stays safe while every unknown cell of that round is still unknown. If one is
/// not (re-protecting a distribution published a cell it had withheld), what was shown in that cell's component is
/// forgotten, and only that: a proof uses its own component's relations alone (a cell outside the component is in
/// none of them, or it would be in the component), so proofs in the other components still hold.
struct AuditMemory {
    /// Components found safe: the same unknown cells give the same system and the same verdict.
    var audited: [[Int]: SuppressionReport.Audit] = [:]
    enum Proof { case byBounds, byMoves }
    /// Per cell, how it was shown safe in an earlier round (`nil`: not yet).
    var shown: [Proof?] = []
    /// Per cell, whether the moves failed to show it in an earlier round (`LinkModel.additions`).
    var movesMissed: [Bool] = []
    private var unknown: [Bool] = []
    /// Per cell, its component when the audit last grouped the unknown cells (-1: not unknown then). Components only
    /// grow while no unknown cell becomes known, so a cell shown safe since is in the component recorded here.
    private var componentOf: [Int] = []

    mutating func begin(unknown now: [Bool]) {
        guard shown.count == now.count else {
            shown = Array(repeating: nil, count: now.count)
            movesMissed = Array(repeating: false, count: now.count)
            componentOf = Array(repeating: -1, count: now.count)
            unknown = now
            return
        }
        var lost: Set<Int> = []
        for cell in now.indices where unknown[cell] && !now[cell] && componentOf[cell] >= 0 { lost.insert(componentOf[cell]) }
        if !lost.isEmpty {
            for cell in shown.indices where componentOf[cell] >= 0 && lost.contains(componentOf[cell]) { shown[cell] = nil }
        }
        unknown = now
    }

    /// This round's components (`LinkModel.components`), for `begin`.
    mutating func record(_ components: [[Int]]) {
        for cell in componentOf.indices { componentOf[cell] = -1 }
        for (number, component) in components.enumerated() {
            for cell in component { componentOf[cell] = number }
        }
    }
}
