/// One cell's figures over the contributing schools, gathered school by school: the total, how many schools
/// contribute to it, and the largest contributions (the target and a coalition of attackers). That is all the
/// pupil threshold, the school threshold and the p% rule need, without keeping every school's value.
public struct CellStatistics: Hashable, Sendable {
    public private(set) var total = 0
    public private(set) var schools = 0
    /// The largest school contributions, largest first (at most `coalition + 1`).
    public private(set) var largest: [Int] = []
    /// How many schools may pool their own contributions to attack the largest.
    let coalition: Int

    public init(coalition: Int) {
        precondition(coalition >= 1, "a coalition has at least one school")
        self.coalition = coalition
    }

    /// Figures gathered elsewhere (`SubjectCounts`): `largest` is largest first, at most `coalition + 1`.
    init(total: Int, schools: Int, largest: [Int], coalition: Int) {
        self.init(coalition: coalition)
        self.total = total
        self.schools = schools
        self.largest = largest
    }

    /// Adds one school's contribution (zero contributions do not count as contributing).
    public mutating func add(_ value: Int) {
        precondition(value >= 0, "a contribution is a count")
        guard value > 0 else { return }
        total += value
        schools += 1
        if largest.count <= coalition || value > largest[largest.count - 1] {
            let position = largest.firstIndex { value > $0 } ?? largest.count
            largest.insert(value, at: position)
            if largest.count > coalition + 1 { largest.removeLast() }
        }
    }

    /// Another merge's statistics (of other schools) added to these.
    public mutating func absorb(_ other: CellStatistics) {
        total += other.total
        schools += other.schools
        largest = Array((largest + other.largest).sorted(by: >).prefix(coalition + 1))
    }

    /// What `coalition` schools pooling their own contributions learn of the other schools' total, at worst: the
    /// total less the largest `coalition` contributions.
    public var remainderAfterCoalition: Int { total - largest.prefix(coalition).reduce(0, +) }

    /// The p% rule against a coalition: the `coalition` next-largest schools pool their own contributions and
    /// subtract them from the total to estimate the largest. Unsafe when what remains unknown to them (the total
    /// minus the largest and the coalition's) is less than p% of the largest. With a coalition of one this is the
    /// classic p% rule.
    public func isDominated(percent: Double) -> Bool {
        guard let first = largest.first else { return false }
        let others = total - largest.reduce(0, +)
        return Double(others) < percent / 100 * Double(first)
    }
}
