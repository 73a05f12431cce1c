import Foundation

// The stored and served form of snapshots and suppression reports: JSON with sorted keys (the same content gives the
// same bytes on every run and database). A suppressed figure is the GSS symbol "c" in place of the number.

extension Published: Codable where Value: Codable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .value(let value): try container.encode(value)
        case .suppressed: try container.encode("c")
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let symbol = try? container.decode(String.self), symbol == "c" {
            self = .suppressed
        } else {
            self = .value(try container.decode(Value.self))
        }
    }
}

/// A distribution key as three readable fields.
private struct KeyFields: Codable {
    let family: String
    let subject: String
    let group: String

    init(_ key: DistributionKey) {
        family = key.family.description
        subject = key.subject
        group = key.group.description
    }

    func key(_ decoder: any Decoder) throws -> DistributionKey {
        guard let family = Family(family), let group = PupilGroup(group) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown family or group"))
        }
        return DistributionKey(family: family, subject: subject, group: group)
    }
}

extension PublishedGrade: Codable {
    enum CodingKeys: String, CodingKey { case grade, count, percent, cumulativePercent }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .grade)
        try container.encode(count, forKey: .count)
        try container.encode(percent, forKey: .percent)
        try container.encode(cumulativePercent, forKey: .cumulativePercent)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try container.decode(String.self, forKey: .grade), count: try container.decode(Published<Int>.self, forKey: .count),
            percent: try container.decode(Published<Double>.self, forKey: .percent),
            cumulativePercent: try container.decode(Published<Double>.self, forKey: .cumulativePercent))
    }
}

extension PublishedDistribution: Codable {
    enum CodingKeys: String, CodingKey { case entries, grades, meanPoints }

    public func encode(to encoder: any Encoder) throws {
        try KeyFields(key).encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entries, forKey: .entries)
        try container.encode(grades, forKey: .grades)
        try container.encodeIfPresent(meanPoints, forKey: .meanPoints)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            key: try KeyFields(from: decoder).key(decoder), entries: try container.decode(Published<Int>.self, forKey: .entries),
            grades: try container.decode([PublishedGrade].self, forKey: .grades),
            meanPoints: try container.decodeIfPresent(Published<Double>.self, forKey: .meanPoints))
    }
}

extension PublishedMean: Codable {
    enum CodingKeys: String, CodingKey { case value }

    public func encode(to encoder: any Encoder) throws {
        try KeyFields(key).encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(value, forKey: .value)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(key: try KeyFields(from: decoder).key(decoder), value: try container.decode(Published<Double>.self, forKey: .value))
    }
}

extension PublishedFamily: Codable {
    enum CodingKeys: String, CodingKey { case family, schools }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(family.description, forKey: .family)
        try container.encode(schools, forKey: .schools)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let family = Family(try container.decode(String.self, forKey: .family)) else {
            throw DecodingError.dataCorruptedError(forKey: .family, in: container, debugDescription: "unknown family")
        }
        self.init(family: family, schools: try container.decode(Published<Int>.self, forKey: .schools))
    }
}

extension SnapshotContent: Codable {
    enum CodingKeys: String, CodingKey {
        case format, keyStage, policyHash, schools, pupils, families, subjects, proportions, means, schoolDistributions, ranks,
            contributors
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.format, forKey: .format)
        try container.encode(keyStage, forKey: .keyStage)
        try container.encode(policyHash, forKey: .policyHash)
        try container.encode(schools, forKey: .schools)
        try container.encode(pupils, forKey: .pupils)
        try container.encode(families, forKey: .families)
        try container.encode(subjects, forKey: .subjects)
        try container.encode(proportions, forKey: .proportions)
        try container.encode(means, forKey: .means)
        try container.encode(schoolDistributions, forKey: .schoolDistributions)
        try container.encode(Dictionary(uniqueKeysWithValues: ranks.map { ("\($0.key)", $0.value) }), forKey: .ranks)
        try container.encode(contributors, forKey: .contributors)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard try container.decode(Int.self, forKey: .format) == Self.format else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: container, debugDescription: "unknown snapshot format")
        }
        var ranks: [URN: [PercentileRank]] = [:]
        for (text, value) in try container.decode([String: [PercentileRank]].self, forKey: .ranks) {
            guard let urn = URN(text) else {
                throw DecodingError.dataCorruptedError(forKey: .ranks, in: container, debugDescription: "not a URN")
            }
            ranks[urn] = value
        }
        self.init(
            keyStage: try container.decode(KeyStage.self, forKey: .keyStage),
            policyHash: try container.decode(String.self, forKey: .policyHash),
            schools: try container.decode(Int.self, forKey: .schools), pupils: try container.decode(Int.self, forKey: .pupils),
            families: try container.decode([PublishedFamily].self, forKey: .families),
            subjects: try container.decode([PublishedDistribution].self, forKey: .subjects),
            proportions: try container.decode([PublishedDistribution].self, forKey: .proportions),
            means: try container.decode([PublishedMean].self, forKey: .means),
            schoolDistributions: try container.decode([SchoolDistribution].self, forKey: .schoolDistributions),
            ranks: ranks, contributors: try container.decode([URN].self, forKey: .contributors))
    }

    /// The stored form.
    public func encoded() -> [UInt8] { Array(try! Self.encoder.encode(self)) }

    public init(encoded bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(bytes))
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension SuppressionReport: Codable {
    enum CodingKeys: String, CodingKey { case counts, cells, relationCheckedCells }

    private struct Cell: Codable {
        let table: String
        let family: String
        let subject: String
        let group: String
        let cell: String
        let reason: SuppressionReason
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Dictionary(uniqueKeysWithValues: countsByReason.map { ($0.key.rawValue, $0.value) }), forKey: .counts)
        try container.encode(
            entries.map {
                Cell(
                    table: $0.table, family: $0.cell.key.family.description, subject: $0.cell.key.subject,
                    group: $0.cell.key.group.description, cell: $0.cell.cell, reason: $0.cell.reason)
            }, forKey: .cells)
        try container.encode(relationCheckedCells, forKey: .relationCheckedCells)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let cells = try container.decode([Cell].self, forKey: .cells)
        let entries = try cells.map { cell in
                guard let family = Family(cell.family), let group = PupilGroup(cell.group) else {
                    throw DecodingError.dataCorruptedError(forKey: .cells, in: container, debugDescription: "unknown family or group")
                }
                return Entry(
                    table: cell.table,
                    cell: SuppressedCell(key: DistributionKey(family: family, subject: cell.subject, group: group), cell: cell.cell, reason: cell.reason))
            }
        self.init(entries: entries, relationCheckedCells: try container.decode(Int.self, forKey: .relationCheckedCells))
    }

    public func encoded() -> [UInt8] { Array(try! SnapshotContent.encoder.encode(self)) }

    public init(encoded bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(bytes))
    }
}
