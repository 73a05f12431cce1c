/// Every distribution of a publication while it is being merged — subjects' grades and headline proportions — in flat
/// arrays indexed by number rather than keyed by family, subject and group: merging 3,000 schools' aggregates is tens
/// of millions of additions, and hashing keys and reference-counting arrays on each of them was most of a
/// publication's time.
///
/// A *table* is a subject (its catalogue position) or a proportion measure (after the catalogue), with a fixed number
/// of cells. Each table, when first seen, gets a block of distributions, one per family × pupil group, each of
/// `cells + 1` counters (its cells, then its entries). A counter is `stride` 32-bit integers (half the memory, so
/// more of it stays in cache): its total, how many schools contribute, and its largest contributions
/// (`CellStatistics`, flattened: `keep` slots, largest first, zero for none). A distribution's counters are stored
/// field by field (each field's `lanes` values, the counters padded to whole vectors of `Lane.scalarCount`), so one
/// school's line of counts is added to all of a distribution's counters with a few vector operations, its largest
/// contributions kept without branches (`Lanes`).
struct SubjectCounts {
    let families: Int
    let groups = PupilGroup.every.count
    /// The largest contributions kept per counter (the dominance coalition and its target).
    let keep: Int
    private let stride: Int
    /// Per table: its cells (grades, or a proportion's two).
    private let widths: [Int]
    /// Per table: its counters (cells and entries) padded to whole vectors.
    private let lanes: [Int]

    /// Per table: first distribution of its block (-1 before it is seen) and its first counter value.
    private var distributionBase: [Int]
    private var valueBase: [Int]
    /// Tables in order of first sight.
    private(set) var seen: [Int] = []

    private var values: [Int32] = []
    /// Per distribution.
    private var pointsSums: [Double] = []
    private var present: [Bool] = []

    init(families: Int, widths: [Int], coalition: Int) {
        self.families = families
        self.widths = widths
        keep = coalition + 1
        stride = 2 + keep
        lanes = widths.map { ($0 + 1 + Lane.scalarCount - 1) / Lane.scalarCount * Lane.scalarCount }
        distributionBase = Array(repeating: -1, count: widths.count)
        valueBase = Array(repeating: -1, count: widths.count)
    }

    /// The table's block, made on first sight.
    private mutating func block(_ table: Int) -> (distributions: Int, values: Int) {
        if distributionBase[table] < 0 {
            seen.append(table)
            let distributions = families * groups
            distributionBase[table] = pointsSums.count
            valueBase[table] = values.count
            pointsSums += repeatElement(0, count: distributions)
            present += repeatElement(false, count: distributions)
            values += repeatElement(0, count: distributions * stride * lanes[table])
        }
        return (distributionBase[table], valueBase[table])
    }

    /// One school's counts of a table for one pupil group (`cells`: the non-zero ones, by column), added to one
    /// family (while merging, the school's combination of families: `add(_:into:)`).
    mutating func add(table: Int, group: Int, family: Int, cells: [(column: Int, count: Int)], entries: Int, pointsSum: Double) {
        let (width, lanes) = (widths[table], lanes[table])
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: lanes) { line in
            line.initialize(repeating: 0)
            for (column, count) in cells {
                precondition(column < width, "a cell of the table")
                line[column] = Int32(count)
            }
            withBlock(table: table, family: family) { block in
                block.add(line.baseAddress!, group: group, entries: entries, pointsSum: pointsSum)
            }
        }
    }

    /// One table's distributions of one family, written in place by the merge's inner loop: no array access (with its
    /// uniqueness check) per count. Valid only inside `withBlock`.
    struct TableBlock {
        fileprivate let values: UnsafeMutablePointer<Int32>
        fileprivate let pointsSums: UnsafeMutablePointer<Double>
        fileprivate let present: UnsafeMutablePointer<Bool>
        /// Counters per distribution: the table's cells, then its entries; and their padded count.
        fileprivate let width: Int
        fileprivate let lanes: Int
        fileprivate let stride: Int
        fileprivate let keep: Int

        /// Counts per line (`add`): the table's counters padded to whole vectors.
        var lineLength: Int { lanes }

        /// One school's counts of a pupil group's distribution, its entries and its points sum. `line` holds
        /// `lineLength` counts by column (zero where the school has none; its last counters are written here) and is
        /// all zeros again after, ready for the next line.
        func add(_ line: UnsafeMutablePointer<Int32>, group: Int, entries: Int, pointsSum: Double) {
            line[width - 1] = Int32(entries)
            Lanes.add(line, to: values + group * stride * lanes, lanes: lanes, keep: keep)
            line.update(repeating: 0, count: lanes)
            pointsSums[group] += pointsSum
            present[group] = true
        }
    }

    /// Lends `body` the table's block of one family (made on first sight).
    mutating func withBlock<R>(table: Int, family: Int, _ body: (TableBlock) throws -> R) rethrows -> R {
        let (distributions, first) = block(table)
        let (width, lanes) = (widths[table] + 1, lanes[table])
        let (groups, stride, keep) = (groups, stride, keep)
        return try values.withUnsafeMutableBufferPointer { values in
            try pointsSums.withUnsafeMutableBufferPointer { pointsSums in
                try present.withUnsafeMutableBufferPointer { present in
                    try body(
                        TableBlock(
                            values: values.baseAddress! + first + family * groups * stride * lanes,
                            pointsSums: pointsSums.baseAddress! + distributions + family * groups,
                            present: present.baseAddress! + distributions + family * groups,
                            width: width, lanes: lanes, stride: stride, keep: keep))
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
            let (from, fromFirst) = (other.distributionBase[table], other.valueBase[table])
            let (into, intoFirst) = block(table)
            let lanes = lanes[table]
            for group in 0..<groups where other.present[from + group] {
                for family in families {
                    let to = family * groups + group
                    pointsSums[into + to] += other.pointsSums[from + group]
                    present[into + to] = true
                }
            }
            values.withUnsafeMutableBufferPointer { mine in
                other.values.withUnsafeBufferPointer { theirs in
                    for group in 0..<groups where other.present[from + group] {
                        let their = theirs.baseAddress! + fromFirst + group * stride * lanes
                        for family in families {
                            let distribution = (family * groups + group) * stride * lanes
                            Lanes.merge(their, into: mine.baseAddress! + intoFirst + distribution, lanes: lanes, keep: keep)
                        }
                    }
                }
            }
        }
    }

    /// Every count back to zero, the blocks kept (for the next combination's schools).
    mutating func reset() {
        values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        pointsSums.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        present.withUnsafeMutableBufferPointer { $0.update(repeating: false) }
    }

    /// Another merge's counts (of other schools) added to these.
    mutating func absorb(_ other: SubjectCounts) {
        precondition(other.widths == widths && other.families == families && other.keep == keep, "counts of another layout")
        for table in other.seen {
            let (distributions, first) = block(table)
            let (otherDistributions, otherFirst) = (other.distributionBase[table], other.valueBase[table])
            let count = families * groups
            for distribution in 0..<count {
                pointsSums[distributions + distribution] += other.pointsSums[otherDistributions + distribution]
                present[distributions + distribution] = present[distributions + distribution] || other.present[otherDistributions + distribution]
            }
            let (stride, keep, lanes) = (stride, keep, lanes[table])
            values.withUnsafeMutableBufferPointer { mine in
                other.values.withUnsafeBufferPointer { theirs in
                    for distribution in 0..<count {
                        let offset = distribution * stride * lanes
                        Lanes.merge(theirs.baseAddress! + otherFirst + offset, into: mine.baseAddress! + first + offset, lanes: lanes, keep: keep)
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
        let (width, lanes) = (widths[table] + 1, lanes[table])
        let first = valueBase[table] + distribution * stride * lanes
        func cell(_ cell: Int) -> CellStatistics {
            var top = CellStatistics.Top()
            for slot in 0..<keep { top[slot] = values[first + (2 + slot) * lanes + cell] }
            return CellStatistics(total: Int(values[first + cell]), schools: Int(values[first + lanes + cell]), top: top, coalition: coalition)
        }
        return ((0..<(width - 1)).map(cell), cell(width - 1), pointsSums[distributionBase[table] + distribution])
    }
}

/// The vector a distribution's counters are processed in.
typealias Lane = SIMD8<Int32>

/// One distribution's counters, field by field (`stride` fields of `lanes` values: totals, schools, then the `keep`
/// largest contributions, largest first, zero for none), updated a vector of counters at a time.
enum Lanes {
    /// One school's counts (`lanes` values, zero where it has none) added: totals, schools contributing, and each
    /// count inserted among the largest — the k-th largest becomes max(k-th, min((k−1)-th, count)), with the 0-th
    /// taken as unbounded: the same kept values as inserting the count in order.
    @inline(__always)
    static func add(_ counts: UnsafePointer<Int32>, to distribution: UnsafeMutablePointer<Int32>, lanes: Int, keep: Int) {
        let raw = UnsafeMutableRawPointer(distribution)
        let step = lanes * MemoryLayout<Int32>.stride
        for offset in Swift.stride(from: 0, to: lanes, by: Lane.scalarCount) {
            let at = offset * MemoryLayout<Int32>.stride
            let count = UnsafeRawPointer(counts).loadUnaligned(fromByteOffset: at, as: Lane.self)
            let total = raw.loadUnaligned(fromByteOffset: at, as: Lane.self)
            raw.storeBytes(of: total &+ count, toByteOffset: at, as: Lane.self)
            let schools = raw.loadUnaligned(fromByteOffset: at + step, as: Lane.self)
            // Counts are never negative: min(count, 1) is 1 where the school contributes (a mask would be built
            // lane by lane).
            raw.storeBytes(of: schools &+ pointwiseMin(count, Lane(repeating: 1)), toByteOffset: at + step, as: Lane.self)
            var previous = Lane(repeating: .max)
            for slot in 0..<keep {
                let place = at + (2 + slot) * step
                let kept = raw.loadUnaligned(fromByteOffset: place, as: Lane.self)
                raw.storeBytes(of: pointwiseMax(kept, pointwiseMin(previous, count)), toByteOffset: place, as: Lane.self)
                previous = kept
            }
        }
    }

    /// Another distribution's counters (other schools) added: totals and schools summed, the largest of both kept —
    /// the k-th largest of two lists, each largest first, is the greatest over i + j = k of min(i-th of one, j-th of
    /// the other), with the 0-th taken as unbounded.
    @inline(__always)
    static func merge(_ other: UnsafePointer<Int32>, into distribution: UnsafeMutablePointer<Int32>, lanes: Int, keep: Int) {
        let theirs = UnsafeRawPointer(other)
        let mine = UnsafeMutableRawPointer(distribution)
        let step = lanes * MemoryLayout<Int32>.stride
        precondition(keep <= CellStatistics.Top.scalarCount, "at most \(CellStatistics.Top.scalarCount) largest contributions kept")
        for offset in Swift.stride(from: 0, to: lanes, by: Lane.scalarCount) {
            let at = offset * MemoryLayout<Int32>.stride
            for field in 0..<2 {
                let place = at + field * step
                let sum = mine.loadUnaligned(fromByteOffset: place, as: Lane.self) &+ theirs.loadUnaligned(fromByteOffset: place, as: Lane.self)
                mine.storeBytes(of: sum, toByteOffset: place, as: Lane.self)
            }
            if keep == 3 {  // the default coalition of two: the same formula, unrolled
                let (a1, a2, a3) = (mine.loadUnaligned(fromByteOffset: at + 2 * step, as: Lane.self),
                    mine.loadUnaligned(fromByteOffset: at + 3 * step, as: Lane.self),
                    mine.loadUnaligned(fromByteOffset: at + 4 * step, as: Lane.self))
                let (b1, b2, b3) = (theirs.loadUnaligned(fromByteOffset: at + 2 * step, as: Lane.self),
                    theirs.loadUnaligned(fromByteOffset: at + 3 * step, as: Lane.self),
                    theirs.loadUnaligned(fromByteOffset: at + 4 * step, as: Lane.self))
                mine.storeBytes(of: pointwiseMax(a1, b1), toByteOffset: at + 2 * step, as: Lane.self)
                mine.storeBytes(of: pointwiseMax(pointwiseMax(a2, b2), pointwiseMin(a1, b1)), toByteOffset: at + 3 * step, as: Lane.self)
                let third = pointwiseMax(pointwiseMax(a3, b3), pointwiseMax(pointwiseMin(a2, b1), pointwiseMin(a1, b2)))
                mine.storeBytes(of: third, toByteOffset: at + 4 * step, as: Lane.self)
                continue
            }
            // 1-based lists, index 0 unbounded.
            var a = (Lane(repeating: .max), Lane(), Lane(), Lane(), Lane(), Lane(), Lane(), Lane(), Lane())
            var b = a
            withUnsafeMutableBytes(of: &a) { a in
                withUnsafeMutableBytes(of: &b) { b in
                    let size = MemoryLayout<Lane>.stride
                    for slot in 0..<keep {
                        let place = at + (2 + slot) * step
                        a.storeBytes(of: mine.loadUnaligned(fromByteOffset: place, as: Lane.self), toByteOffset: (slot + 1) * size, as: Lane.self)
                        b.storeBytes(of: theirs.loadUnaligned(fromByteOffset: place, as: Lane.self), toByteOffset: (slot + 1) * size, as: Lane.self)
                    }
                    for k in 1...keep {
                        var best = Lane()
                        for i in 0...k {
                            let x = a.load(fromByteOffset: i * size, as: Lane.self)
                            let y = b.load(fromByteOffset: (k - i) * size, as: Lane.self)
                            best = pointwiseMax(best, pointwiseMin(x, y))
                        }
                        mine.storeBytes(of: best, toByteOffset: at + (2 + k - 1) * step, as: Lane.self)
                    }
                }
            }
        }
    }
}
