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

    public static func < (lhs: DistributionKey, rhs: DistributionKey) -> Bool {
        if lhs.family != rhs.family { return lhs.family < rhs.family }
        if lhs.subject != rhs.subject { return lhs.subject < rhs.subject }
        return lhs.group < rhs.group
    }
}

/// A subject's grade distribution for one family and pupil group, before disclosure control.
public struct Distribution: Sendable {
    public let subject: Subject
    /// Per grade of the subject's scale, in the scale's order (highest first).
    public internal(set) var grades: [CellStatistics]
    /// Graded entries: the base of every percentage and of the mean.
    public internal(set) var entries: CellStatistics
    public internal(set) var pointsSum = 0.0

    init(subject: Subject, coalition: Int) {
        self.subject = subject
        grades = Array(repeating: CellStatistics(coalition: coalition), count: subject.scale.grades.count)
        entries = CellStatistics(coalition: coalition)
    }

    mutating func add(_ tally: GradeTally) {
        for (index, grade) in subject.scale.grades.enumerated() { grades[index].add(tally.counts[grade.code] ?? 0) }
        entries.add(tally.entries)
        pointsSum += tally.pointsSum
    }
}

/// The unprotected tables of one publication: every family × subject × pupil group distribution, merged school by
/// school from the contributing schools' partial aggregates. Disclosure control turns them into what is published.
public struct BenchmarkTables: Sendable {
    public let keyStage: KeyStage
    public private(set) var distributions: [DistributionKey: Distribution] = [:]
    public private(set) var schoolCount = 0
    public private(set) var pupilCount = 0

    /// `coalition` is the dominance rule's coalition size (each cell keeps the largest contributions it needs).
    public init(
        keyStage: KeyStage, contributions: [Contribution], catalogue: SubjectCatalogue, coalition: Int
    ) throws(CatalogueError) {
        self.keyStage = keyStage
        for contribution in contributions {
            precondition(contribution.aggregate.keyStage == keyStage, "a contribution of another key stage")
            schoolCount += 1
            pupilCount += contribution.aggregate.pupils
            let families = Family.families(of: contribution.school)
            for (code, groups) in contribution.aggregate.subjects {
                let subject = try catalogue.subject(code)
                for (groupName, tally) in groups {
                    guard let group = PupilGroup(groupName) else { continue }
                    for family in families {
                        let key = DistributionKey(family: family, subject: code, group: group)
                        distributions[key, default: Distribution(subject: subject, coalition: coalition)].add(tally)
                    }
                }
            }
        }
    }
}
