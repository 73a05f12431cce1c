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
    /// Per family, which contributors (by position) are in it.
    private let isMember: [[Bool]]

    init(_ tables: BenchmarkTables, contributors: [URN], policy: SuppressionPolicy) {
        self.tables = tables
        self.policy = policy
        families = tables.members.keys.filter { !$0.isDifference }.sorted()
        let position = Dictionary(uniqueKeysWithValues: contributors.enumerated().map { ($1, $0) })
        self.position = position
        isMember = families.map { family in
            var flags = [Bool](repeating: false, count: contributors.count)
            for urn in tables.members[family]! { if let index = position[urn] { flags[index] = true } }
            return flags
        }
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
        let eligible = tables.schoolFigures[figure]!.filter { $0.base >= policy.pupilThreshold }.map { (position[$0.school]!, $0.value) }
        for (number, family) in families.enumerated() {
            let members = isMember[number]
            let figures = eligible.filter { members[$0.0] }
            guard figures.count >= policy.schoolPercentileMinimumSchools else { continue }
            let values = figures.map(\.1).sorted()
            let name = family.description
            distributions.append(
                SchoolDistribution(
                    family: name, figure: figure, schools: values.count,
                    quartiles: [0.25, 0.5, 0.75].map { Self.rounded(Self.quantile(values, $0)) },
                    deciles: (1...9).map { Self.rounded(Self.quantile(values, Double($0) / 10)) }
                )
            )
            let ordered = figures.sorted { $0.0 < $1.0 }  // already in URN order from the merge, so cheap
            ranks.append(
                RankList(
                    family: name, figure: figure, schools: ordered.map(\.0),
                    ranks: ordered.map { _, value in
                        let below = Self.firstIndex(in: values, atLeast: value, strictly: false)
                        let equal = Self.firstIndex(in: values, atLeast: value, strictly: true) - below
                        return Int((100 * (Double(below) + Double(equal) / 2) / Double(values.count)).rounded())
                    }))
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

    /// The first position in `sorted` holding a value ≥ `value` (> `value` when `strictly`).
    static func firstIndex(in sorted: [Double], atLeast value: Double, strictly: Bool) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if strictly ? sorted[middle] > value : sorted[middle] >= value { high = middle } else { low = middle + 1 }
        }
        return low
    }

    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
