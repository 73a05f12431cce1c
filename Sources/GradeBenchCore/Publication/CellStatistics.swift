/// One cell's figures over the contributing schools, gathered school by school: the total, how many schools
/// contribute to it, and the largest contributions (the target and a coalition of attackers). That is all the
/// pupil threshold, the school threshold and the p% rule need, without keeping every school's value.
///
/// The largest contributions are kept inline, in one vector (a publication builds hundreds of thousands of cells: an
/// array each was that many allocations to make, reference-count and free).
public struct CellStatistics: Hashable, Sendable {
    /// The most schools a coalition may have: the coalition and its target fit `Top`.
    public static let maximumCoalition = Top.scalarCount - 1
    typealias Top = SIMD8<Int32>

    public private(set) var total = 0
    public private(set) var schools = 0
    /// The largest contributions, largest first, zero after the last (every kept contribution is at least one).
    private var top = Top()
    /// How many schools may pool their own contributions to attack the largest.
    let coalition: Int

    public init(coalition: Int) {
        precondition((1...Self.maximumCoalition).contains(coalition), "a coalition of 1 to \(Self.maximumCoalition) schools")
        self.coalition = coalition
    }

    /// Figures gathered elsewhere (`SubjectCounts`): `top` is largest first, at most `coalition + 1` non-zero.
    init(total: Int, schools: Int, top: Top, coalition: Int) {
        self.init(coalition: coalition)
        self.total = total
        self.schools = schools
        self.top = top
    }

    /// The largest school contributions, largest first (at most `coalition + 1`).
    public var largest: [Int] { (0...coalition).map { Int(top[$0]) }.filter { $0 > 0 } }

    /// Adds one school's contribution (zero contributions do not count as contributing).
    public mutating func add(_ value: Int) {
        precondition(value >= 0 && value <= Int(Int32.max), "a contribution is a count")
        guard value > 0 else { return }
        total += value
        schools += 1
        var carried = Int32(value)
        for slot in 0...coalition where carried > top[slot] { (top[slot], carried) = (carried, top[slot]) }
    }

    /// Another merge's statistics (of other schools) added to these.
    public mutating func absorb(_ other: CellStatistics) {
        total += other.total
        schools += other.schools
        for slot in 0...coalition where other.top[slot] > 0 {
            var carried = other.top[slot]
            for place in 0...coalition where carried > top[place] { (top[place], carried) = (carried, top[place]) }
        }
    }

    /// The sum of the `count` largest contributions.
    private func sumOfLargest(_ count: Int) -> Int { (0..<min(count, coalition + 1)).reduce(0) { $0 + Int(top[$1]) } }

    /// What `coalition` schools pooling their own contributions learn of the other schools' total, at worst: the
    /// total less the largest `coalition` contributions.
    public var remainderAfterCoalition: Int { total - sumOfLargest(coalition) }

    /// The p% rule against a coalition: the `coalition` next-largest schools pool their own contributions and
    /// subtract them from the total to estimate the largest. Unsafe when what remains unknown to them (the total
    /// minus the largest and the coalition's) is less than p% of the largest. With a coalition of one this is the
    /// classic p% rule.
    public func isDominated(percent: Double) -> Bool {
        guard top[0] > 0 else { return false }
        let others = total - sumOfLargest(coalition + 1)
        return Double(others) < percent / 100 * Double(top[0])
    }
}
