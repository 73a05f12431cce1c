/// Protects all of one subject's distributions together, because they are linked: a distribution's grades add up
/// to its entries; the groups of one characteristic (with the pupils who have none) add up to all pupils; the
/// families of one school attribute (with the schools that have none) add up to all schools.
///
/// After each distribution is protected on its own, an audit computes for every suppressed cell the interval an
/// attacker can derive from everything published (`LinearBounds`). The attacker is assumed to know every published
/// count exactly, and how many pupils lack each characteristic and how many schools lack each band — more than
/// rounding and the tables tell — so the intervals are, if anything, narrower than a real attacker's. Where an
/// interval is narrower than the policy's minimum width, the smallest published count it is linked with is
/// suppressed too (or, if only totals remain, a linked distribution is withheld), and the audit runs again.
public struct SubjectProtection: Sendable {
    public let control: DisclosureControl

    public init(control: DisclosureControl) {
        self.control = control
    }

    /// Every distribution of one subject as published, and the suppression report.
    ///
    /// Distributions of a difference family (`Family.difference`, schools in a larger family but not in a smaller
    /// one nested in it) are never published but take part: their cells are unknown to an attacker, and those that
    /// fail the primary rules must not be derivable from the two families' published tables.
    public func protect(
        _ distributions: [DistributionKey: Distribution]
    ) -> (published: [DistributionKey: PublishedDistribution], report: [SuppressedCell]) {
        let outcome = protectLinked(distributions)
        return (outcome.published, outcome.report)
    }

    /// `protect`, and how many protected cells only the relation-by-relation check covered (`LinkModel.auditLimit`).
    func protectLinked(
        _ distributions: [DistributionKey: Distribution]
    ) -> (published: [DistributionKey: PublishedDistribution], report: [SuppressedCell], relationChecked: Int) {
        var forced: [DistributionKey: Set<Int>] = [:]
        var withheld: Set<DistributionKey> = []
        let model = LinkModel(distributions)
        let real = distributions.filter { !$0.key.family.isDifference }
        let (hidden, sensitive) = differenceCells(distributions)
        while true {
            let outcome = protectEach(real, forced: forced, withheld: withheld)
            guard control.policy.secondarySuppression else {
                return (outcome.published, outcome.report.sorted { ($0.key, $0.cell) < ($1.key, $1.cell) }, 0)
            }
            let unknown = outcome.suppressed.union(hidden)
            let protected = outcome.suppressed.union(sensitive)
            let (additions, relationChecked) = model.additions(
                unknown: unknown, protected: protected, width: Double(control.policy.minimumIntervalWidth))
            guard !additions.isEmpty else {
                return (outcome.published, outcome.report.sorted { ($0.key, $0.cell) < ($1.key, $1.cell) }, relationChecked)
            }
            for addition in additions {
                if addition.column == model.entriesColumn(addition.key) {
                    withheld.insert(addition.key)
                } else {
                    forced[addition.key, default: []].insert(addition.column)
                }
            }
        }
    }

    /// Every cell of the difference distributions (never published), and those of them the primary rules protect.
    private func differenceCells(
        _ distributions: [DistributionKey: Distribution]
    ) -> (hidden: Set<LinkModel.Cell>, sensitive: Set<LinkModel.Cell>) {
        var hidden: Set<LinkModel.Cell> = []
        var sensitive: Set<LinkModel.Cell> = []
        for (key, distribution) in distributions where key.family.isDifference {
            for (column, cell) in distribution.grades.enumerated() {
                hidden.insert(LinkModel.Cell(key: key, column: column))
                if control.primaryReason(cell) != nil { sensitive.insert(LinkModel.Cell(key: key, column: column)) }
            }
            let entries = LinkModel.Cell(key: key, column: distribution.grades.count)
            hidden.insert(entries)
            if control.primaryReason(distribution.entries, isBase: true) != nil { sensitive.insert(entries) }
        }
        return (hidden, sensitive)
    }

    private func protectEach(
        _ distributions: [DistributionKey: Distribution], forced: [DistributionKey: Set<Int>], withheld: Set<DistributionKey>
    ) -> (published: [DistributionKey: PublishedDistribution], report: [SuppressedCell], suppressed: Set<LinkModel.Cell>) {
        var published: [DistributionKey: PublishedDistribution] = [:]
        var report: [SuppressedCell] = []
        var suppressed: Set<LinkModel.Cell> = []
        for (key, distribution) in distributions {
            let (table, cells) = control.protect(
                distribution, key: key, forced: forced[key] ?? [], withhold: withheld.contains(key))
            published[key] = table
            report += cells
            if table.entries == .suppressed { suppressed.insert(LinkModel.Cell(key: key, column: table.grades.count)) }
            for (column, grade) in table.grades.enumerated() where grade.count == .suppressed {
                suppressed.insert(LinkModel.Cell(key: key, column: column))
            }
        }
        return (published, report, suppressed)
    }
}

/// The linear relations between one subject's cells, and the audit over them.
struct LinkModel {
    /// A grade count (`column` < the scale's grade count) or the entries (`column` == the grade count).
    struct Cell: Hashable, Comparable {
        let key: DistributionKey
        let column: Int

        static func < (lhs: Cell, rhs: Cell) -> Bool { (lhs.key, lhs.column) < (rhs.key, rhs.column) }
    }

    /// Σ coefficient × cell = (known constant); the constant follows from the true values.
    struct Relation {
        let terms: [(cell: Cell, coefficient: Double)]
    }

    let values: [Cell: Int]
    let relations: [Relation]
    private let gradeCount: [DistributionKey: Int]
    private let relationsOf: [Cell: [Int]]

    init(_ distributions: [DistributionKey: Distribution]) {
        var values: [Cell: Int] = [:]
        var gradeCount: [DistributionKey: Int] = [:]
        for (key, distribution) in distributions {
            gradeCount[key] = distribution.grades.count
            for (column, cell) in distribution.grades.enumerated() { values[Cell(key: key, column: column)] = cell.total }
            values[Cell(key: key, column: distribution.grades.count)] = distribution.entries.total
        }
        var relations: [Relation] = []
        // A distribution's grades add up to its entries.
        // Every order below is sorted: dictionaries and sets iterate in an order that differs between instances
        // and runs, and the suppression pattern must not.
        for key in gradeCount.keys.sorted() {
            let count = gradeCount[key]!
            relations.append(
                Relation(terms: (0..<count).map { (Cell(key: key, column: $0), 1.0) } + [(Cell(key: key, column: count), -1.0)]))
        }
        // The groups of one characteristic, within a family and a column, add up to at most all pupils.
        let families = Set(distributions.keys.map(\.family))
        let groups = Set(distributions.keys.map(\.group))
        let subject = distributions.keys.first?.subject ?? ""
        for family in families.sorted() {
            let allKey = DistributionKey(family: family, subject: subject, group: .all)
            guard let count = gradeCount[allKey] else { continue }
            for column in PupilCharacteristics.columns {
                let members = column.values.map {
                    DistributionKey(family: family, subject: subject, group: PupilGroup(dimension: column.name, value: $0))
                }
                relations += Self.partition(members.filter { gradeCount[$0] != nil }, of: allKey, columns: count + 1)
            }
        }
        // The families of one attribute, within a group and a column, add up to at most all schools.
        for group in groups.sorted() {
            let allKey = DistributionKey(family: .all, subject: subject, group: group)
            guard let count = gradeCount[allKey] else { continue }
            for dimension in Family.Dimension.partitions {
                let members = families.sorted().filter { $0.dimension == dimension }.map {
                    DistributionKey(family: $0, subject: subject, group: group)
                }
                relations += Self.partition(members.filter { gradeCount[$0] != nil }, of: allKey, columns: count + 1)
            }
        }
        // A smaller family and the schools of a larger one that are not in it add up to the larger family.
        for key in gradeCount.keys.sorted() {
            guard case .difference(let smaller, let larger) = key.family.kind, let count = gradeCount[key] else { continue }
            let part = DistributionKey(family: smaller, subject: subject, group: key.group)
            let whole = DistributionKey(family: larger, subject: subject, group: key.group)
            relations += Self.partition([part, key].filter { gradeCount[$0] != nil }, of: whole, columns: count + 1)
        }
        var relationsOf: [Cell: [Int]] = [:]
        for (index, relation) in relations.enumerated() {
            for term in relation.terms { relationsOf[term.cell, default: []].append(index) }
        }
        self.values = values
        self.relations = relations
        self.gradeCount = gradeCount
        self.relationsOf = relationsOf
    }

    /// Per column, the members add up to the whole (less a known remainder): members − whole.
    private static func partition(_ members: [DistributionKey], of whole: DistributionKey, columns: Int) -> [Relation] {
        guard !members.isEmpty else { return [] }
        return (0..<columns).map { position in
            Relation(terms: members.map { (Cell(key: $0, column: position), 1.0) } + [(Cell(key: whole, column: position), -1.0)])
        }
    }

    func entriesColumn(_ key: DistributionKey) -> Int { gradeCount[key]! }

    /// The attacker's interval for every unknown cell: minimum and maximum (nil when unbounded).
    func intervals(suppressed: Set<Cell>) -> [Cell: (lower: Double, upper: Double?)] {
        var result: [Cell: (lower: Double, upper: Double?)] = [:]
        for component in components(suppressed) {
            let bounds = linearBounds(component, suppressed: suppressed)
            for (index, cell) in component.enumerated() { result[cell] = bounds.bounds(of: index) }
        }
        return result
    }

    /// What an attacker knows of an unknown cell before any arithmetic: a count suppressed inside a published
    /// distribution is not zero (true zeros are published); difference-family cells and totals may be zero.
    private func lowerBound(_ cell: Cell, unknown: Set<Cell>) -> Double {
        let entries = Cell(key: cell.key, column: entriesColumn(cell.key))
        return cell.column != entries.column && !unknown.contains(entries) && !cell.key.family.isDifference ? 1 : 0
    }

    private func linearBounds(_ component: [Cell], suppressed: Set<Cell>) -> LinearBounds {
        let position = Dictionary(uniqueKeysWithValues: component.enumerated().map { ($1, $0) })
        var rows: [[Double]] = []
        var rightHandSide: [Double] = []
        var seen: Set<Int> = []
        for cell in component {
            for index in relationsOf[cell] ?? [] where seen.insert(index).inserted {
                var row = [Double](repeating: 0, count: component.count)
                var constant = 0.0
                for term in relations[index].terms {
                    guard let column = position[term.cell] else { continue }
                    row[column] += term.coefficient
                    constant += term.coefficient * Double(values[term.cell] ?? 0)
                }
                rows.append(row)
                rightHandSide.append(constant)
            }
        }
        let lower = component.map { lowerBound($0, unknown: suppressed) }
        guard let bounds = LinearBounds(coefficients: rows, rightHandSide: rightHandSide, lower: lower) else {
            preconditionFailure("the true values do not satisfy the tables' own relations")
        }
        return bounds
    }

    /// Linked components with more unknown cells than this are checked relation by relation only: the dense simplex
    /// grows with the cube of a component's size, and the largest components (a niche subject withheld in most
    /// families) are made of whole withheld distributions. `additions` counts the protected cells this leaves
    /// without the full audit, for the DPO's report.
    static let auditLimit = 160

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
    /// relation needs more does the audit run over everything at once (`LinearBounds`): in each linked component, for
    /// the first protected cell whose interval is narrower than `width`, the smallest non-zero published cell of a
    /// relation it is in is added (else one linked with the component; failing that, a linked distribution is
    /// withheld).
    /// Also returns, when the relation-by-relation check needs nothing more, how many protected cells (true count ≥ 1)
    /// are in components larger than `auditLimit`, which the full audit skips.
    func additions(unknown: Set<Cell>, protected: Set<Cell>, width: Double) -> (cells: Set<Cell>, relationChecked: Int) {
        func publishable(_ cell: Cell) -> Bool { !unknown.contains(cell) && !cell.key.family.isDifference }
        // A true zero discloses no pupil (published distributions publish them): only counts of at least one pupil
        // need an interval.
        let protected = protected.filter { (values[$0] ?? 0) > 0 }
        var chosen: Set<Cell> = []
        for relation in relations {
            let terms = relation.terms.filter { unknown.contains($0.cell) }
            let hidden = terms.map(\.cell)
            guard hidden.contains(where: protected.contains), !hidden.contains(where: chosen.contains) else { continue }
            // One unknown is pinned. Unknowns all on one side add up to a known sum: each lies within the sum less
            // the others' lower bounds. With unknowns on both sides the relation alone bounds nothing.
            let narrowest: Double
            if hidden.count == 1 {
                narrowest = 0
            } else if terms.allSatisfy({ $0.coefficient == terms[0].coefficient }) {
                narrowest = hidden.reduce(0.0) { $0 + Double(values[$1] ?? 0) - lowerBound($1, unknown: unknown) }
            } else {
                continue
            }
            guard narrowest < width - 1e-6 else { continue }
            let candidates = relation.terms.map(\.cell).filter { publishable($0) && (values[$0] ?? 0) > 0 }
            if let next = smallest(candidates) { chosen.insert(next) } else if let other = withholdable(hidden, publishable) { chosen.insert(other) }
        }
        if !chosen.isEmpty { return (chosen, 0) }
        var relationChecked = 0
        for component in components(unknown) where component.contains(where: protected.contains) {
            guard component.count <= Self.auditLimit else {
                relationChecked += component.filter(protected.contains).count
                continue
            }
            let bounds = linearBounds(component, suppressed: unknown)
            for (index, cell) in component.enumerated() where protected.contains(cell) {
                guard !bounds.spans(index, atLeast: width, truth: Double(values[cell] ?? 0)) else { continue }
                let direct = (relationsOf[cell] ?? []).flatMap { relations[$0].terms.map(\.cell) }
                let linked = component.flatMap { (relationsOf[$0] ?? []).flatMap { relations[$0].terms.map(\.cell) } }
                if let next = smallest(direct.filter { publishable($0) && (values[$0] ?? 0) > 0 })
                    ?? smallest(linked.filter { publishable($0) && (values[$0] ?? 0) > 0 })
                    ?? withholdable(component, publishable)
                {
                    chosen.insert(next)
                }
                break
            }
        }
        return (chosen, relationChecked)
    }

    /// Nothing published is left to add: the entries of a distribution among `cells` that is still published.
    private func withholdable(_ cells: [Cell], _ publishable: (Cell) -> Bool) -> Cell? {
        cells.map { Cell(key: $0.key, column: entriesColumn($0.key)) }.filter(publishable).min()
    }

    private func smallest(_ cells: [Cell]) -> Cell? {
        cells.min { (values[$0] ?? 0, $0) < (values[$1] ?? 0, $1) }
    }

    /// Suppressed cells grouped by the relations that link them.
    private func components(_ suppressed: Set<Cell>) -> [[Cell]] {
        var parent: [Cell: Cell] = [:]
        func root(_ cell: Cell) -> Cell {
            var cell = cell
            while let next = parent[cell], next != cell { cell = next }
            return cell
        }
        for cell in suppressed { parent[cell] = cell }
        for relation in relations {
            let members = relation.terms.map(\.cell).filter { suppressed.contains($0) }
            guard let first = members.first else { continue }
            for other in members.dropFirst() { parent[root(other)] = root(first) }
        }
        var groups: [Cell: [Cell]] = [:]
        for cell in suppressed.sorted() { groups[root(cell), default: []].append(cell) }
        return groups.keys.sorted().map { groups[$0]! }
    }
}
