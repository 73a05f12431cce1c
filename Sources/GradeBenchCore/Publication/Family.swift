/// A family of similar schools: all contributing schools, or one fixed partition of them by a registry attribute
/// (DESIGN.md "Families"). Families are fixed per collection; ad-hoc filters over other schools are never offered.
///
/// Disclosure control also works with *difference* families, never published: the schools of a larger family that
/// are not in a smaller family nested in it (every school of the smaller one is in the larger). Publishing both
/// families' tables publishes their difference, so its small cells must be protected like any other.
public struct Family: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Dimension: String, CaseIterable, Sendable {
        case region, type
        case size = "size-band"
        case disadvantage = "disadvantage-band"

        /// The dimensions whose families partition the contributing schools.
        static let partitions = allCases

        /// Position in `allCases` (the order families sort in), without building `allCases` on each comparison.
        var position: Int {
            switch self {
            case .region: 0
            case .type: 1
            case .size: 2
            case .disadvantage: 3
            }
        }
    }

    public indirect enum Kind: Hashable, Sendable {
        case all
        case partition(Dimension, String)
        /// The schools in `larger` that are not in `smaller` (which is nested in it).
        case difference(smaller: Family, larger: Family)
    }

    public let kind: Kind
    /// Its name (`all`, `region=London`, …): made once (a publication writes a family's name into its snapshot,
    /// report and digest tens of thousands of times).
    public let description: String

    public static let all = Family(kind: .all)

    public init(kind: Kind) {
        self.kind = kind
        description = switch kind {
        case .all: "all"
        case .partition(let dimension, let value): "\(dimension.rawValue)=\(value)"
        case .difference(let smaller, let larger): "(\(larger.description) minus \(smaller.description))"
        }
    }

    public init(dimension: Dimension?, value: String) {
        self.init(kind: dimension.map { .partition($0, value) } ?? .all)
    }

    public static func == (lhs: Family, rhs: Family) -> Bool { lhs.kind == rhs.kind }

    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    /// `all`, or `region=London` style.
    public init?(_ text: String) {
        if text == "all" {
            self = .all
            return
        }
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let dimension = Dimension(rawValue: parts[0]), !parts[1].isEmpty else { return nil }
        self.init(dimension: dimension, value: parts[1])
    }

    /// The partition's dimension (`nil` for all schools and for differences).
    public var dimension: Dimension? {
        if case .partition(let dimension, _) = kind { return dimension }
        return nil
    }

    public var isDifference: Bool {
        if case .difference = kind { return true }
        return false
    }


    /// The families a school belongs to: all schools, and one per dimension where the registry has a value.
    public static func families(of school: School) -> [Family] {
        var families = [Family.all, Family(dimension: .region, value: school.region), Family(dimension: .type, value: school.type)]
        if let size = school.sizeBand { families.append(Family(dimension: .size, value: size)) }
        if let band = school.disadvantageBand { families.append(Family(dimension: .disadvantage, value: band)) }
        return families
    }

    /// Pairs of published families of different dimensions where one's schools are all in the other and the other
    /// has more: each pair's difference family, with the schools in it. Sorted, so the result is deterministic.
    /// A larger family holding every contributing school is left out: its tables are all schools', and a family less
    /// all schools is already linked through the other families of its dimension.
    public static func differences(members: [Family: Set<URN>]) -> [(family: Family, schools: Set<URN>)] {
        let everyone = members[.all]?.count ?? 0
        let partitions = members.keys.filter { $0.dimension != nil }.sorted()
        var result: [(family: Family, schools: Set<URN>)] = []
        for smaller in partitions {
            for larger in partitions where larger.dimension != smaller.dimension {
                let small = members[smaller]!
                let large = members[larger]!
                guard large.count > small.count, large.count < everyone, small.isSubset(of: large) else { continue }
                result.append((Family(kind: .difference(smaller: smaller, larger: larger)), large.subtracting(small)))
            }
        }
        return result
    }

    /// The order families sort in: all schools, each dimension's partitions by value, then differences.
    var order: (Int, String) {
        switch kind {
        case .all: (0, "")
        case .partition(let dimension, let value): (dimension.position + 1, value)
        case .difference: (Dimension.partitions.count + 1, description)
        }
    }

    public static func < (lhs: Family, rhs: Family) -> Bool { lhs.order < rhs.order }
}
