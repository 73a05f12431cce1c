/// A family as published: its name and how many contributing schools it has (`c` below the school threshold,
/// when all its tables are withheld anyway).
public struct PublishedFamily: Hashable, Sendable {
    public let family: Family
    public let schools: Published<Int>
}

/// What one publication publishes: the content of an immutable snapshot.
///
/// `tables`-like parts (`subjects`, `proportions`, `means`, `schoolDistributions`, `families`, `pupils`) are the
/// benchmark every contributing school may read. `rankLists` belong each rank to one school (its own percentile
/// ranks, `ranks(of:)`) and `contributors` to the operator and the release guards; neither is ever served to another
/// school.
public struct SnapshotContent: Hashable, Sendable {
    /// 4: rank lists packed (`RankList.write`); 3: each distribution's figures as one array per figure, rank lists'
    /// schools as steps; 2: ranks as compact lists per family and figure; 1 kept them per school. All four are read.
    public static let format = 4
    public let keyStage: KeyStage
    public let policyHash: String
    public let schools: Int
    /// All contributing pupils, rounded like every published count.
    public let pupils: Int
    public let families: [PublishedFamily]
    public let subjects: [PublishedDistribution]
    public let proportions: [PublishedDistribution]
    public let means: [PublishedMean]
    public let schoolDistributions: [SchoolDistribution]
    public let rankLists: [RankList]
    /// In URN order.
    public let contributors: [URN]

    /// One school's own percentile ranks.
    public func ranks(of school: URN) -> [PercentileRank] {
        guard let position = contributorPosition(of: school) else { return [] }
        return rankLists.compactMap { list in
            Self.search(list.schools, position).map { PercentileRank(family: list.family, figure: list.figure, rank: list.ranks[$0]) }
        }
    }

    /// The school's place in `contributors` (`nil`: it did not contribute).
    public func contributorPosition(of school: URN) -> Int? { Self.search(contributors, school) }

    private static func search<T: Comparable>(_ sorted: [T], _ value: T) -> Int? {
        var (low, high) = (0, sorted.count)
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == value ? low : nil
    }
}

/// The DPO's suppression report for a snapshot: how many cells each rule suppressed, and every suppressed cell with
/// its reason. Never shown to schools (publicly, primary and secondary suppression look the same).
public struct SuppressionReport: Hashable, Sendable {
    /// `subject`, `proportion` or `mean`.
    public struct Entry: Hashable, Sendable {
        public let table: String
        public let cell: SuppressedCell
    }

    /// How the audit showed that an attacker's interval for each protected cell of at least one pupil is wide enough.
    public struct Audit: Hashable, Sendable {
        /// Shown by moves through hidden cells (`LinkModel.provenByMoves`).
        public var byMoves = 0
        /// Shown by the simplex (`LinearBounds`), the attacker's exact interval over the whole component (in the last
        /// suppression round, or an earlier one: what was shown then still holds, `AuditMemory`).
        public var byBounds = 0
        /// Cells checked relation by relation only: in a component above `LinkModel.exactLimit` that no move
        /// reached, or failing with nothing linked left to withhold. (Reports stored before December 2026 count here
        /// every cell of a component above 160 cells that no move reached.)
        public var relationOnly = 0

        public init(byMoves: Int = 0, byBounds: Int = 0, relationOnly: Int = 0) {
            self.byMoves = byMoves
            self.byBounds = byBounds
            self.relationOnly = relationOnly
        }

        mutating func add(_ other: Audit) {
            byMoves += other.byMoves
            byBounds += other.byBounds
            relationOnly += other.relationOnly
        }
    }

    public let entries: [Entry]
    public let audit: Audit

    public var countsByReason: [SuppressionReason: Int] {
        entries.reduce(into: [:]) { $0[$1.cell.reason, default: 0] += 1 }
    }
}
