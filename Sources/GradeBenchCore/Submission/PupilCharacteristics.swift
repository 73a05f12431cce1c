/// A pupil's characteristics as submitted (all optional columns). `nil` means the column was not supplied.
public struct PupilCharacteristics: Hashable, Sendable, Codable {
    public var pp: String?
    public var fsm: String?
    public var send: String?
    public var gender: String?
    public var eal: String?

    public init(pp: String? = nil, fsm: String? = nil, send: String? = nil, gender: String? = nil, eal: String? = nil) {
        self.pp = pp
        self.fsm = fsm
        self.send = send
        self.gender = gender
        self.eal = eal
    }

    /// One optional characteristic column: its name, allowed values and field.
    public struct Column: Sendable {
        public let name: String
        public let values: [String]
        public nonisolated(unsafe) let keyPath: WritableKeyPath<PupilCharacteristics, String?>
    }

    /// The optional columns, in submission-format order.
    public static let columns: [Column] = [
        Column(name: "pp", values: ["Y", "N"], keyPath: \.pp),
        Column(name: "fsm", values: ["Y", "N"], keyPath: \.fsm),
        Column(name: "send", values: ["N", "K", "E"], keyPath: \.send),
        Column(name: "gender", values: ["F", "M", "X"], keyPath: \.gender),
        Column(name: "eal", values: ["Y", "N"], keyPath: \.eal),
    ]

    /// The pupil groups this pupil belongs to, besides "all pupils": one per supplied characteristic.
    public var groups: [PupilGroup] {
        Self.columns.compactMap { column in self[keyPath: column.keyPath].map { PupilGroup(dimension: column.name, value: $0) } }
    }

    /// The characteristics as one small integer, 3 bits per column in `columns` order: 0 when not supplied,
    /// else 1 + the value's position in the column's `values`. Validation and aggregation work on this form.
    public init(packed: UInt16) {
        self.init()
        for (position, column) in Self.columns.enumerated() {
            let value = Int(packed >> (3 * position)) & 7
            if value > 0 { self[keyPath: column.keyPath] = column.values[value - 1] }
        }
    }

    /// Calls `body` with the position in `PupilGroup.every` of each group a pupil with these packed
    /// characteristics belongs to, `all` (0) first, without building an array: aggregation's hot path.
    @inline(__always)
    static func forEachGroupSlot(packed: UInt16, _ body: (Int) -> Void) {
        body(0)
        for position in 0..<columnCount {
            let value = Int(packed >> (3 * position)) & 7
            if value > 0 { body(slotOffsets[position] + value) }
        }
    }

    private static let columnCount = columns.count

    /// For each column, the slot before its first value in `PupilGroup.every`.
    private static let slotOffsets: [Int] = columns.indices.map { position in
        columns[..<position].reduce(0) { $0 + $1.values.count }
    }
}

/// One pupil group: a characteristic and its value (`pp=Y`), or all pupils.
public struct PupilGroup: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let dimension: String
    public let value: String
    /// `all`, or `pp=Y` style: made once (a publication writes a group's name into its snapshot, report and digest
    /// tens of thousands of times).
    public let description: String

    public static let all = PupilGroup(dimension: "all", value: "all")

    public init(dimension: String, value: String) {
        self.dimension = dimension
        self.value = value
        description = dimension == "all" && value == "all" ? "all" : "\(dimension)=\(value)"
    }

    private enum CodingKeys: String, CodingKey { case dimension, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dimension: try container.decode(String.self, forKey: .dimension), value: try container.decode(String.self, forKey: .value))
    }

    public static func == (lhs: PupilGroup, rhs: PupilGroup) -> Bool { lhs.dimension == rhs.dimension && lhs.value == rhs.value }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(dimension)
        hasher.combine(value)
    }

    public init?(_ text: String) {
        if text == "all" {
            self = .all
            return
        }
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2,
            let column = PupilCharacteristics.columns.first(where: { $0.name == parts[0] }), column.values.contains(parts[1])
        else { return nil }
        self.init(dimension: parts[0], value: parts[1])
    }

    /// Every group a submission can produce, `all` first.
    public static let every: [PupilGroup] =
        [.all] + PupilCharacteristics.columns.flatMap { column in column.values.map { PupilGroup(dimension: column.name, value: $0) } }

    public static func < (lhs: PupilGroup, rhs: PupilGroup) -> Bool { lhs.rank < rhs.rank }

    /// Place in the order groups sort in: `every`'s.
    var rank: Int { Self.every.firstIndex(of: self) ?? .max }
}
