import Dispatch
import Synchronization

/// One school's part in a publication: its registry entry (which families it belongs to) and its partial aggregate.
public struct Contribution: Sendable {
    public let school: School
    public let aggregate: PartialAggregate

    public init(school: School, aggregate: PartialAggregate) {
        self.school = school
        self.aggregate = aggregate
    }
}

/// Which distribution: a family of schools, a subject, a pupil group.
public struct DistributionKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let family: Family
    public let subject: String
    public let group: PupilGroup

    public init(family: Family, subject: String, group: PupilGroup) {
        self.family = family
        self.subject = subject
        self.group = group
    }

    public var description: String { "\(family) / \(subject) / \(group)" }

    public static func < (lhs: DistributionKey, rhs: DistributionKey) -> Bool { lhs.order < rhs.order }

    /// The order keys sort in: by family, subject, then pupil group.
    private var order: (family: Int, value: String, subject: String, group: Int) {
        let family = family.order
        return (family.0, family.1, subject, group.rank)
    }

    /// `items` in the order of their keys (`<`), each key's place in that order worked out once rather than in every
    /// comparison: a publication sorts thousands of keys, and comparing families and groups is not cheap.
    static func sorted<T>(_ items: [T], by key: (T) -> DistributionKey) -> [T] {
        let orders = items.map { key($0).order }
        return items.indices.sorted { orders[$0] < orders[$1] }.map { items[$0] }
    }
}

/// A distribution of counts for one family and pupil group, before disclosure control: a subject's grades, or a
/// headline proportion's two cells (achieved, not achieved).
public struct Distribution: Sendable {
    /// The cells' codes in published order (a subject's grades, highest first).
    public let cells: [String]
    /// Whether the cells carry points (a mean is published).
    public let hasPoints: Bool
    /// Per cell, in `cells` order.
    public internal(set) var grades: [CellStatistics]
    /// Graded entries (or pupils): the base of every percentage and of the mean.
    public internal(set) var entries: CellStatistics
    public internal(set) var pointsSum = 0.0

    init(cells: [String], hasPoints: Bool, coalition: Int) {
        self.cells = cells
        self.hasPoints = hasPoints
        grades = Array(repeating: CellStatistics(coalition: coalition), count: cells.count)
        entries = CellStatistics(coalition: coalition)
    }

    init(subject: Subject, coalition: Int) {
        let grades = subject.scale.grades
        self.init(cells: grades.map(\.code), hasPoints: grades.contains { $0.points != nil }, coalition: coalition)
    }

    /// Cells merged elsewhere (`SubjectCounts`).
    mutating func set(grades: [CellStatistics], entries: CellStatistics, pointsSum: Double) {
        precondition(grades.count == cells.count, "one statistic per cell")
        self.grades = grades
        self.entries = entries
        self.pointsSum = pointsSum
    }
}

/// One school's own value of a school-level figure (a subject's mean points, a headline measure), for the school
/// distribution (quantiles) and the school's percentile rank. `base` is the pupils (or entries) behind it.
public struct SchoolFigure: Hashable, Sendable {
    public let school: URN
    public let value: Double
    public let base: Int
}

/// The unprotected tables of one publication: every family × subject × pupil group distribution, every family ×
/// pupil group headline measure, and each school's own figures, merged school by school from the contributing
/// schools' partial aggregates. Disclosure control turns them into what is published.
///
/// The families include the difference families (`Family.Kind.difference`) of nested published families: they are
/// never published, but disclosure control must protect them.
public struct BenchmarkTables: Sendable {
    public let keyStage: KeyStage
    /// Per subject code, its distributions (what `SubjectProtection` protects together).
    public private(set) var subjectTables: [String: [DistributionKey: Distribution]] = [:]
    /// Per headline proportion measure (raw value), its two-cell distributions.
    public private(set) var proportionTables: [String: [DistributionKey: Distribution]] = [:]
    /// Headline means; `key.subject` is the measure's raw value.
    public private(set) var means: [DistributionKey: MeanTally] = [:]
    /// Per figure (subject code or headline measure), each school's own value (group: all pupils).
    public private(set) var schoolFigures: [String: [SchoolFigure]] = [:]
    /// The contributing schools of every family (difference families included).
    public private(set) var members: [Family: Set<URN>] = [:]
    public private(set) var schoolCount = 0
    public private(set) var pupilCount = 0

    /// `coalition` is the dominance rule's coalition size (each cell keeps the largest contributions it needs).
    public init(keyStage: KeyStage, contributions: [Contribution], catalogue: SubjectCatalogue, coalition: Int) throws {
        let aggregates = Dictionary(uniqueKeysWithValues: contributions.map { ($0.school.urn, $0.aggregate) })
        try self.init(keyStage: keyStage, schools: contributions.map(\.school), catalogue: catalogue, coalition: coalition) {
            aggregates[$0.urn]!.encoded()
        }
    }

    /// The tables of `schools`, reading each school's stored partial aggregate from `aggregate` once, straight from its
    /// bytes into flat counts (`TableMerge`): a whole collection's decoded aggregates are never held.
    public init(
        keyStage: KeyStage, schools: [School], catalogue: SubjectCatalogue, coalition: Int,
        aggregate: @Sendable (School) throws -> [UInt8]
    ) throws {
        self.keyStage = keyStage
        // Schools with the same registry attributes have the same families: worked out once per such group (a few
        // hundred nationally), not hashed family by family for each of thousands of schools.
        var groupOf: [[String?]: Int] = [:]
        var groupFamilies: [[Family]] = []
        var groupMembers: [[URN]] = []
        let group = schools.map { school in
            let attributes = [school.region, school.type, school.sizeBand, school.disadvantageBand]
            if let number = groupOf[attributes] {
                groupMembers[number].append(school.urn)
                return number
            }
            groupOf[attributes] = groupFamilies.count
            groupFamilies.append(Family.families(of: school))
            groupMembers.append([school.urn])
            return groupFamilies.count - 1
        }
        var lists: [Family: [URN]] = [:]
        for (families, urns) in zip(groupFamilies, groupMembers) {
            for family in families { lists[family, default: []] += urns }
        }
        members = lists.mapValues(Set.init)
        for (family, schools) in Family.differences(members: members) {
            members[family] = schools
            for number in groupFamilies.indices where groupMembers[number].first.map(schools.contains) == true {
                groupFamilies[number].append(family)  // a difference holds whole groups: its schools' families are theirs
            }
        }
        let families = members.keys.sorted()
        let familyIndex = Dictionary(uniqueKeysWithValues: families.enumerated().map { ($1, $0) })
        let indices = groupFamilies.map { $0.map { familyIndex[$0]! } }
        let merge = try TableMerge.merge(
            schools: schools, families: group.map { indices[$0] },
            keyStage: keyStage, catalogue: catalogue, familyCount: families.count, coalition: coalition, aggregate: aggregate)
        schoolCount = merge.schoolCount
        pupilCount = merge.pupilCount
        schoolFigures = merge.schoolFigures
        for (table, name, built) in Self.distributions(of: merge, families: families, catalogue: catalogue, coalition: coalition)
        where !built.isEmpty {
            if table >= catalogue.subjects.count { proportionTables[name] = built } else { subjectTables[name] = built }
        }
        for (number, measure) in merge.meanMeasures.enumerated() {
            for (familyNumber, family) in families.enumerated() {
                for (slot, group) in PupilGroup.every.enumerated() {
                    guard let tally = merge.meanTallies[merge.meanIndex(number, family: familyNumber, group: slot)] else { continue }
                    means[DistributionKey(family: family, subject: measure.rawValue, group: group)] = tally
                }
            }
        }
    }

    /// Every subject's distributions, keyed.
    public var distributions: [DistributionKey: Distribution] { Self.flattened(subjectTables) }
    /// Every headline proportion's distributions, keyed.
    public var proportions: [DistributionKey: Distribution] { Self.flattened(proportionTables) }

    /// One distribution, a subject's or a headline proportion's.
    public func distribution(_ key: DistributionKey) -> Distribution? {
        subjectTables[key.subject]?[key] ?? proportionTables[key.subject]?[key]
    }

    private static func flattened(_ tables: [String: [DistributionKey: Distribution]]) -> [DistributionKey: Distribution] {
        tables.values.reduce(into: [:]) { all, table in all.merge(table) { first, _ in first } }
    }

    /// Each merged table's distributions (per family and pupil group with counts), keyed, the tables built on every
    /// core: each one's counters become statistics and arrays, and its keyed table is what protection takes, which a
    /// publication's six thousand distributions made a serial step between the merge and protection.
    private static func distributions(
        of merge: TableMerge, families: [Family], catalogue: SubjectCatalogue, coalition: Int
    ) -> [(table: Int, name: String, distributions: [DistributionKey: Distribution])] {
        let tables = merge.counts.seen
        let built = Mutex([(String, [DistributionKey: Distribution])?](repeating: nil, count: tables.count))
        DispatchQueue.concurrentPerform(iterations: tables.count) { index in
            let table = tables[index]
            let subjectCount = catalogue.subjects.count
            let proportion = table >= subjectCount ? merge.proportionMeasures[table - subjectCount] : nil
            let name = proportion?.rawValue ?? catalogue.subjects[table].code
            // One empty distribution per table, copied for each family and group (its cell codes shared, not rebuilt).
            let empty = proportion == nil
                ? Distribution(subject: catalogue.subjects[table], coalition: coalition)
                : Distribution(cells: HeadlineMeasure.proportionCells, hasPoints: false, coalition: coalition)
            var result: [DistributionKey: Distribution] = [:]
            for (familyNumber, family) in families.enumerated() {
                for (slot, group) in PupilGroup.every.enumerated() {
                    guard
                        let (cells, entries, pointsSum) = merge.counts.statistics(
                            table: table, family: familyNumber, group: slot, coalition: coalition)
                    else { continue }
                    var distribution = empty
                    distribution.set(grades: cells, entries: entries, pointsSum: pointsSum)
                    result[DistributionKey(family: family, subject: name, group: group)] = distribution
                }
            }
            built.withLock { $0[index] = (name, result) }
        }
        return built.withLock { built in tables.indices.map { (tables[$0], built[$0]!.0, built[$0]!.1) } }
    }
}
