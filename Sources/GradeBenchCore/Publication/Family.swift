/// A family of similar schools: all contributing schools, or one fixed partition of them by a registry attribute
/// (DESIGN.md "Families"). Families are fixed per collection; ad-hoc filters over other schools are never offered.
public struct Family: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Dimension: String, CaseIterable, Sendable {
        case region, type
        case size = "size-band"
        case disadvantage = "disadvantage-band"
    }

    /// `nil` for all schools.
    public let dimension: Dimension?
    public let value: String

    public static let all = Family(dimension: nil, value: "all")

    public init(dimension: Dimension?, value: String) {
        self.dimension = dimension
        self.value = value
    }

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

    public var description: String { dimension.map { "\($0.rawValue)=\(value)" } ?? "all" }

    /// The families a school belongs to: all schools, and one per dimension where the registry has a value.
    public static func families(of school: School) -> [Family] {
        var families = [Family.all, Family(dimension: .region, value: school.region), Family(dimension: .type, value: school.type)]
        if let size = school.sizeBand { families.append(Family(dimension: .size, value: size)) }
        if let band = school.disadvantageBand { families.append(Family(dimension: .disadvantage, value: band)) }
        return families
    }

    public static func < (lhs: Family, rhs: Family) -> Bool {
        let order = { (family: Family) in family.dimension.map { Dimension.allCases.firstIndex(of: $0)! + 1 } ?? 0 }
        return (order(lhs), lhs.value) < (order(rhs), rhs.value)
    }
}
