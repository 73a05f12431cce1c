/// Quartiles and deciles of a school-level figure over a family's schools (published where enough schools
/// contribute), and each school's percentile rank in it (shown to that school alone).
public struct SchoolDistribution: Hashable, Sendable, Codable {
    public let family: String
    /// A subject code (mean points) or a headline measure.
    public let figure: String
    public let schools: Int
    /// 25th, 50th and 75th percentiles.
    public let quartiles: [Double]
    /// 10th … 90th percentiles.
    public let deciles: [Double]
}

/// A school's place among a family's schools for one figure: the percentage of schools below it (ties count half).
public struct PercentileRank: Hashable, Sendable, Codable {
    public let family: String
    public let figure: String
    public let rank: Int
}

/// Every ranked school's percentile rank for one family and figure, in the compact form a snapshot stores (a national
/// snapshot holds ~450,000 ranks). Each rank is shown to its own school alone (`SnapshotContent.ranks(of:)`).
public struct RankList: Hashable, Sendable, Decodable {
    public let family: String
    public let figure: String
    /// Positions in the snapshot's `contributors`, ascending.
    public let schools: [Int]
    /// Each school's rank, in `schools` order.
    public let ranks: [Int]
}

/// Quantiles and ranks of every school-level figure, one figure at a time (`compute(figure:)`: the figures are
/// independent, so a publication computes them alongside disclosure control).
struct SchoolQuantiles {
    let tables: BenchmarkTables
    let policy: SuppressionPolicy
    private let families: [Family]
    /// Contributor URN → its position in the snapshot's `contributors`.
    private let position: [URN: Int]
    /// Per contributor (by position), the families it is in (by number, ascending).
    private let familiesOf: [[Int]]

    init(_ tables: BenchmarkTables, contributors: [URN], policy: SuppressionPolicy) {
        self.tables = tables
        self.policy = policy
        families = tables.members.keys.filter { !$0.isDifference }.sorted()
        let position = Dictionary(uniqueKeysWithValues: contributors.enumerated().map { ($1, $0) })
        self.position = position
        var familiesOf = [[Int]](repeating: [], count: contributors.count)
        for (number, family) in families.enumerated() {
            for urn in tables.members[family]! { if let index = position[urn] { familiesOf[index].append(number) } }
        }
        self.familiesOf = familiesOf
    }

    /// The figures (subject codes and headline measures) in the order a snapshot lists them.
    var figures: [String] { tables.schoolFigures.keys.sorted() }

    /// Only schools whose own figure rests on at least the pupil threshold count (a smaller school's figure is close to
    /// one pupil's result), and a family's quantiles are published only with at least the policy's minimum of such
    /// schools. Quantiles interpolate linearly between order statistics (Hyndman and Fan's type 7, as in spreadsheets);
    /// the minimum and maximum are never published.
    func compute(figure: String) -> (distributions: [SchoolDistribution], ranks: [RankList]) {
        var distributions: [SchoolDistribution] = []
        var ranks: [RankList] = []
        // The eligible schools in contributor order, and their order by value (ties by position), sorted once: each
        // family's sorted values and ranks are read off it in one pass.
        // Each school is in a handful of the families: it is dealt to each of its families' lists in one pass over
        // the schools (by value for the quantiles, in contributor order for the ranks), rather than every family
        // scanning every school.
        let eligible = tables.schoolFigures[figure]!.filter { $0.base >= policy.pupilThreshold }.map { (position[$0.school]!, $0.value) }
        let byValue = eligible.indices.sorted { (eligible[$0].1, $0) < (eligible[$1].1, $1) }
        var membersByValue = [[Int]](repeating: [], count: families.count)
        var membersInOrder = [[Int]](repeating: [], count: families.count)
        for index in byValue { for family in familiesOf[eligible[index].0] { membersByValue[family].append(index) } }
        for index in eligible.indices { for family in familiesOf[eligible[index].0] { membersInOrder[family].append(index) } }
        var rank = [Int](repeating: 0, count: eligible.count)
        var values: [Double] = []
        for (number, family) in families.enumerated() {
            let members = membersByValue[number]
            guard members.count >= policy.schoolPercentileMinimumSchools else { continue }
            values.removeAll(keepingCapacity: true)
            for index in members { values.append(eligible[index].1) }
            let name = family.description
            distributions.append(
                SchoolDistribution(
                    family: name, figure: figure, schools: values.count,
                    quartiles: [0.25, 0.5, 0.75].map { Self.rounded(Self.quantile(values, $0)) },
                    deciles: (1...9).map { Self.rounded(Self.quantile(values, Double($0) / 10)) }
                )
            )
            // A run of equal values: `below` schools have less, `equal` the same (ties count half).
            var start = 0
            while start < values.count {
                var end = start + 1
                while end < values.count, values[end] == values[start] { end += 1 }
                let percentile = Int((100 * (Double(start) + Double(end - start) / 2) / Double(values.count)).rounded())
                for index in members[start..<end] { rank[index] = percentile }
                start = end
            }
            let ordered = membersInOrder[number]
            ranks.append(RankList(family: name, figure: figure, schools: ordered.map { eligible[$0].0 }, ranks: ordered.map { rank[$0] }))
        }
        return (distributions, ranks)
    }

    /// Type 7: h = (n − 1) p, interpolating between the order statistics either side of h.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }

    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
