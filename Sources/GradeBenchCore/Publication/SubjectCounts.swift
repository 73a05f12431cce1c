/// Every distribution of a publication while it is being merged — subjects' grades and headline proportions — in flat
/// arrays indexed by number rather than keyed by family, subject and group: merging 3,000 schools' aggregates is tens
/// of millions of additions, and hashing keys and reference-counting arrays on each of them was most of a
/// publication's time.
///
/// A *table* is a subject (its catalogue position) or a proportion measure (after the catalogue), with a fixed number
/// of cells. Each table, when first seen, gets a block of distributions, one per family × pupil group, each of
/// `cells + 1` counters (its cells, then its entries). A counter is `stride` 32-bit integers (half the memory, so
/// more of it stays in cache): its total, how many schools contribute, and its largest contributions
/// (`CellStatistics`, flattened: `keep` slots, largest first, zero for none).
struct SubjectCounts {
    let families: Int
    let groups = PupilGroup.every.count
    /// The largest contributions kept per counter (the dominance coalition and its target).
    let keep: Int
    private let stride: Int
    /// Per table: its cells (grades, or a proportion's two).
    private let widths: [Int]

    /// Per table: first distribution of its block and first counter (-1 before it is seen).
    private var distributionBase: [Int]
    private var counterBase: [Int]
    /// Tables in order of first sight.
    private(set) var seen: [Int] = []

    private var counters: [Int32] = []
    /// Per distribution.
    private var pointsSums: [Double] = []
    private var present: [Bool] = []

    init(families: Int, widths: [Int], coalition: Int) {
        self.families = families
        self.widths = widths
        keep = coalition + 1
        stride = 2 + keep
        distributionBase = Array(repeating: -1, count: widths.count)
        counterBase = Array(repeating: -1, count: widths.count)
    }

    /// The table's block, made on first sight.
    private mutating func block(_ table: Int) -> (distributions: Int, counters: Int) {
        if distributionBase[table] < 0 {
            seen.append(table)
            let distributions = families * groups
            distributionBase[table] = pointsSums.count
            counterBase[table] = counters.count / stride
            pointsSums += repeatElement(0, count: distributions)
            present += repeatElement(false, count: distributions)
            counters += repeatElement(0, count: distributions * (widths[table] + 1) * stride)
        }
        return (distributionBase[table], counterBase[table])
    }

    /// One school's counts of a table for one pupil group (`cells`: the non-zero ones, by column), added to one
    /// family (while merging, the school's combination of families: `add(_:into:)`).
    mutating func add(table: Int, group: Int, family: Int, cells: [(column: Int, count: Int)], entries: Int, pointsSum: Double) {
        withBlock(table: table, family: family) { block in
            for (column, count) in cells { block.add(group: group, column: column, count: count) }
            block.finish(group: group, entries: entries, pointsSum: pointsSum)
        }
    }

    /// One table's distributions of one family, written in place by the merge's inner loop: no array access (with its
    /// uniqueness check) per count. Valid only inside `withBlock`.
    struct TableBlock {
        fileprivate let counters: UnsafeMutableBufferPointer<Int32>
        fileprivate let pointsSums: UnsafeMutablePointer<Double>
        fileprivate let present: UnsafeMutablePointer<Bool>
        /// Counters per distribution: the table's cells, then its entries.
        fileprivate let width: Int
        fileprivate let stride: Int
        fileprivate let keep: Int

        /// One school's count in one cell of a pupil group's distribution.
        @inline(__always)
        func add(group: Int, column: Int, count: Int) {
            precondition(column < width - 1, "a cell of the table")
            SubjectCounts.add(Int32(count), to: counters, at: (group * width + column) * stride, keep: keep)
        }

        /// The school's entries and points sum of the group's distribution, after its cells.
        func finish(group: Int, entries: Int, pointsSum: Double) {
            SubjectCounts.add(Int32(entries), to: counters, at: (group * width + width - 1) * stride, keep: keep)
            pointsSums[group] += pointsSum
            present[group] = true
        }
    }

    /// Lends `body` the table's block of one family (made on first sight).
    mutating func withBlock<R>(table: Int, family: Int, _ body: (TableBlock) throws -> R) rethrows -> R {
        let (distributions, first) = block(table)
        let width = widths[table] + 1
        let (groups, stride, keep) = (groups, stride, keep)
        return try counters.withUnsafeMutableBufferPointer { counters in
            try pointsSums.withUnsafeMutableBufferPointer { pointsSums in
                try present.withUnsafeMutableBufferPointer { present in
                    let start = (first + family * groups * width) * stride
                    return try body(
                        TableBlock(
                            counters: UnsafeMutableBufferPointer(rebasing: counters[start..<(start + groups * width * stride)]),
                            pointsSums: pointsSums.baseAddress! + distributions + family * groups,
                            present: present.baseAddress! + distributions + family * groups,
                            width: width, stride: stride, keep: keep))
                }
            }
        }
    }

    /// Counts of one combination of families (`other`, counted as its only family: the schools that share those
    /// families) added into each of `families`. Merging a school into its combination's small block, which stays in
    /// cache, rather than into its five or so families' blocks is a fifth of the scattered additions; each combination
    /// is then added to its families once, in order.
    mutating func add(_ other: SubjectCounts, into families: [Int]) {
        precondition(other.families == 1 && other.widths == widths && other.keep == keep, "one combination's counts")
        let (stride, keep, groups) = (stride, keep, groups)
        for table in other.seen {
            let (from, fromFirst) = (other.distributionBase[table], other.counterBase[table])
            let (into, intoFirst) = block(table)
            let width = widths[table] + 1
            for group in 0..<groups where other.present[from + group] {
                for family in families {
                    let to = family * groups + group
                    pointsSums[into + to] += other.pointsSums[from + group]
                    present[into + to] = true
                }
            }
            counters.withUnsafeMutableBufferPointer { mine in
                other.counters.withUnsafeBufferPointer { theirs in
                    for group in 0..<groups where other.present[from + group] {
                        for cell in 0..<width {
                            let their = (fromFirst + group * width + cell) * stride
                            guard theirs[their] != 0 else { continue }  // no school counted here
                            for family in families {
                                let into = (intoFirst + (family * groups + group) * width + cell) * stride
                                Self.merge(their, of: theirs, into: into, of: mine, keep: keep)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every count back to zero, the blocks kept (for the next combination's schools).
    mutating func reset() {
        counters.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        pointsSums.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        present.withUnsafeMutableBufferPointer { $0.update(repeating: false) }
    }

    /// One counter (total, schools, largest contributions) of other schools added to another.
    private static func merge(
        _ their: Int, of theirs: UnsafeBufferPointer<Int32>, into counter: Int, of counters: UnsafeMutableBufferPointer<Int32>, keep: Int
    ) {
        counters[counter] += theirs[their]
        counters[counter + 1] += theirs[their + 1]
        // Theirs are largest first: once one is not above the smallest kept, none after it is.
        for slot in 0..<keep {
            let value = theirs[their + 2 + slot]
            guard value > counters[counter + 2 + keep - 1] else { break }
            keepLargest(value, in: counters, at: counter + 2, keep: keep)
        }
    }

    @inline(__always)
    fileprivate static func add(_ value: Int32, to counters: UnsafeMutableBufferPointer<Int32>, at counter: Int, keep: Int) {
        guard value > 0 else { return }
        counters[counter] += value
        counters[counter + 1] += 1
        keepLargest(value, in: counters, at: counter + 2, keep: keep)
    }

    /// Inserts one contribution into the `keep` largest (largest first) starting at `largest`.
    private static func keepLargest(_ value: Int32, in counters: UnsafeMutableBufferPointer<Int32>, at largest: Int, keep: Int) {
        guard value > counters[largest + keep - 1] else { return }
        var slot = keep - 1
        while slot > 0, counters[largest + slot - 1] < value {
            counters[largest + slot] = counters[largest + slot - 1]
            slot -= 1
        }
        counters[largest + slot] = value
    }

    /// Another merge's counts (of other schools) added to these.
    mutating func absorb(_ other: SubjectCounts) {
        precondition(other.widths == widths && other.families == families && other.keep == keep, "counts of another layout")
        for table in other.seen {
            let (distributions, first) = block(table)
            let (otherDistributions, otherFirst) = (other.distributionBase[table], other.counterBase[table])
            let count = families * groups
            for distribution in 0..<count {
                pointsSums[distributions + distribution] += other.pointsSums[otherDistributions + distribution]
                present[distributions + distribution] = present[distributions + distribution] || other.present[otherDistributions + distribution]
            }
            let (stride, keep) = (stride, keep)
            counters.withUnsafeMutableBufferPointer { counters in
                other.counters.withUnsafeBufferPointer { theirs in
                    for counter in 0..<(count * (widths[table] + 1)) {
                        Self.merge((otherFirst + counter) * stride, of: theirs, into: (first + counter) * stride, of: counters, keep: keep)
                    }
                }
            }
        }
    }

    /// The merged counters of a table, family and group (cells, then entries) and its points sum, or `nil` when no
    /// school had counts for it.
    func statistics(table: Int, family: Int, group: Int, coalition: Int) -> (cells: [CellStatistics], entries: CellStatistics, pointsSum: Double)? {
        guard distributionBase[table] >= 0 else { return nil }
        let distribution = family * groups + group
        guard present[distributionBase[table] + distribution] else { return nil }
        let width = widths[table] + 1
        let first = counterBase[table] + distribution * width
        let all = (first..<(first + width)).map { counter in
            let start = counter * stride
            return CellStatistics(
                total: Int(counters[start]), schools: Int(counters[start + 1]),
                largest: counters[(start + 2)..<(start + stride)].filter { $0 > 0 }.map(Int.init), coalition: coalition)
        }
        return (Array(all.dropLast()), all[width - 1], pointsSums[distributionBase[table] + distribution])
    }
}
