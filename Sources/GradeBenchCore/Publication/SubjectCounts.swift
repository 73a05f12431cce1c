/// Every subject distribution of a publication while it is being merged, in flat arrays indexed by number rather
/// than keyed by family, subject and group: merging 3,000 schools' aggregates is tens of millions of additions, and
/// hashing keys and reference-counting arrays on each of them was most of a publication's time.
///
/// Each subject, when first seen, gets a block of distributions, one per family × pupil group, and of cells, one per
/// distribution × (grades + entries). A cell keeps its total, how many schools contribute, and its largest
/// contributions (`CellStatistics`, flattened: `keep` slots, largest first, zero for none).
struct SubjectCounts {
    let families: Int
    let groups = PupilGroup.every.count
    /// The largest contributions kept per cell (the dominance coalition and its target).
    let keep: Int
    private let catalogue: SubjectCatalogue

    /// Catalogue position → first distribution of the subject's block (-1 before it is seen).
    private var distributionBase: [Int]
    /// Catalogue position → first cell of the subject's block.
    private var cellBase: [Int]
    /// Catalogue positions in order of first sight.
    private(set) var seen: [Int] = []

    private var totals: [Int] = []
    private var schools: [Int] = []
    private var largest: [Int] = []
    /// Per distribution.
    private var pointsSums: [Double] = []
    private var present: [Bool] = []

    init(families: Int, catalogue: SubjectCatalogue, coalition: Int) {
        self.families = families
        self.catalogue = catalogue
        keep = coalition + 1
        distributionBase = Array(repeating: -1, count: catalogue.subjects.count)
        cellBase = Array(repeating: -1, count: catalogue.subjects.count)
    }

    /// The subject's block, made on first sight.
    private mutating func block(_ subject: Int) -> (distributions: Int, cells: Int) {
        if distributionBase[subject] < 0 {
            seen.append(subject)
            let width = catalogue.subjects[subject].scale.grades.count + 1
            let distributions = families * groups
            distributionBase[subject] = pointsSums.count
            cellBase[subject] = totals.count
            pointsSums += repeatElement(0, count: distributions)
            present += repeatElement(false, count: distributions)
            totals += repeatElement(0, count: distributions * width)
            schools += repeatElement(0, count: distributions * width)
            largest += repeatElement(0, count: distributions * width * keep)
        }
        return (distributionBase[subject], cellBase[subject])
    }

    /// One school's tally of a subject and group (`counts` in grade order), added to each of its families.
    mutating func add(subject: Int, group: Int, families: [Int], counts: [Int], entries: Int, pointsSum: Double) {
        let (distributions, cells) = block(subject)
        let width = counts.count + 1
        for family in families {
            let distribution = family * groups + group
            pointsSums[distributions + distribution] += pointsSum
            present[distributions + distribution] = true
            let first = cells + distribution * width
            for column in counts.indices { addCell(first + column, counts[column]) }
            addCell(first + counts.count, entries)
        }
    }

    private mutating func addCell(_ cell: Int, _ value: Int) {
        guard value > 0 else { return }
        totals[cell] += value
        schools[cell] += 1
        let first = cell * keep
        guard value > largest[first + keep - 1] else { return }
        var slot = keep - 1
        while slot > 0, largest[first + slot - 1] < value {
            largest[first + slot] = largest[first + slot - 1]
            slot -= 1
        }
        largest[first + slot] = value
    }

    /// The merged distribution of a subject, family and group, or `nil` when no school had a tally for it.
    func distribution(subject: Int, family: Int, group: Int, coalition: Int) -> Distribution? {
        guard distributionBase[subject] >= 0 else { return nil }
        let distribution = family * groups + group
        guard present[distributionBase[subject] + distribution] else { return nil }
        let entry = catalogue.subjects[subject]
        let width = entry.scale.grades.count + 1
        let first = cellBase[subject] + distribution * width
        func statistics(_ cell: Int) -> CellStatistics {
            CellStatistics(
                total: totals[cell], schools: schools[cell],
                largest: largest[(cell * keep)..<(cell * keep + keep)].filter { $0 > 0 }, coalition: coalition)
        }
        var result = Distribution(subject: entry, coalition: coalition)
        result.set(grades: (first..<(first + width - 1)).map(statistics), entries: statistics(first + width - 1),
                   pointsSum: pointsSums[distributionBase[subject] + distribution])
        return result
    }
}
