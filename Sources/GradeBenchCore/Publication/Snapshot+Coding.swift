import Foundation

// The stored and served form of snapshots and suppression reports: JSON with sorted keys (the same content gives the
// same bytes on every run and database). A suppressed figure is the GSS symbol "c" in place of the number. Written by
// `JSONBytes` (each type's `write`, keys in sorted order), read by `Decodable`.

extension Published: Decodable where Value: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let symbol = try? container.decode(String.self), symbol == "c" {
            self = .suppressed
        } else {
            self = .value(try container.decode(Value.self))
        }
    }
}

extension Published: Encodable where Value: Encodable {
    /// The value, or the GSS symbol `"c"`, as the snapshot stores it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .value(let value): try container.encode(value)
        case .suppressed: try container.encode("c")
        }
    }
}

/// A distribution key as three readable fields.
private struct KeyFields: Decodable {
    let family: String
    let subject: String
    let group: String

    func key(_ decoder: any Decoder) throws -> DistributionKey {
        guard let family = Family(family), let group = PupilGroup(group) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown family or group"))
        }
        return DistributionKey(family: family, subject: subject, group: group)
    }
}

/// One grade as an object of its figures: how formats 1 and 2 stored a distribution's grades (read only).
extension PublishedGrade: Decodable {
    enum CodingKeys: String, CodingKey { case grade, count, percent, cumulativePercent }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try container.decode(String.self, forKey: .grade), count: try container.decode(Published<Int>.self, forKey: .count),
            percent: try container.decode(Published<Double>.self, forKey: .percent),
            cumulativePercent: try container.decode(Published<Double>.self, forKey: .cumulativePercent))
    }
}

extension PublishedDistribution: Decodable {
    enum CodingKeys: String, CodingKey { case entries, grades, meanPoints, counts, percent, cumulativePercent }

    /// Format 3: one array per figure, in grade order (`grades` holds the codes), rather than an object per grade
    /// naming every figure (formats 1 and 2, still read): the same values in 40 % of the bytes.
    func write(_ json: inout JSONBytes) {
        json.object { json in
            json.key("counts")
            json.array(grades) { json, grade in json.published(grade.count) }
            json.key("cumulativePercent")
            json.array(grades) { json, grade in json.published(grade.cumulativePercent) }
            json.key("entries")
            json.published(entries)
            json.key("family")
            json.string(key.family.description)
            json.key("grades")
            json.array(grades) { json, grade in json.string(grade.code) }
            json.key("group")
            json.string(key.group.description)
            if let meanPoints {
                json.key("meanPoints")
                json.published(meanPoints)
            }
            json.key("percent")
            json.array(grades) { json, grade in json.published(grade.percent) }
            json.key("subject")
            json.string(key.subject)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let grades: [PublishedGrade]
        if container.contains(.counts) {
            let codes = try container.decode([String].self, forKey: .grades)
            let counts = try container.decode([Published<Int>].self, forKey: .counts)
            let percents = try container.decode([Published<Double>].self, forKey: .percent)
            let cumulative = try container.decode([Published<Double>].self, forKey: .cumulativePercent)
            guard counts.count == codes.count, percents.count == codes.count, cumulative.count == codes.count else {
                throw DecodingError.dataCorruptedError(forKey: .counts, in: container, debugDescription: "one figure per grade")
            }
            grades = codes.indices.map {
                PublishedGrade(code: codes[$0], count: counts[$0], percent: percents[$0], cumulativePercent: cumulative[$0])
            }
        } else {
            grades = try container.decode([PublishedGrade].self, forKey: .grades)
        }
        self.init(
            key: try KeyFields(from: decoder).key(decoder), entries: try container.decode(Published<Int>.self, forKey: .entries),
            grades: grades, meanPoints: try container.decodeIfPresent(Published<Double>.self, forKey: .meanPoints))
    }
}

extension RankList {
    enum CodingKeys: String, CodingKey { case family, figure, ranks, schools, schoolSteps, packedRanks, packedSchools }

    /// Format 4 packs each list in two base64 strings: its ranks (0–100) one byte each, and its ascending school
    /// positions as steps (the first position, then each one's distance from the one before) in LEB128, mostly one
    /// byte each — a national snapshot's 414,000 ranks in about 1.1 MB rather than 2.1 MB of JSON numbers. Format 3
    /// wrote the same ranks and steps as JSON arrays, format 2 the positions themselves; both are still read.
    func write(_ json: inout JSONBytes) {
        var steps: [UInt8] = []
        steps.reserveCapacity(schools.count)
        var previous = 0
        for school in schools {
            var step = UInt(school - previous)
            previous = school
            while step >= 0x80 {
                steps.append(UInt8(step & 0x7F) | 0x80)
                step >>= 7
            }
            steps.append(UInt8(step))
        }
        json.object { json in
            json.key("family")
            json.string(family)
            json.key("figure")
            json.string(figure)
            json.key("packedRanks")
            json.string(Data(ranks.map { UInt8($0) }).base64EncodedString())
            json.key("packedSchools")
            json.string(Data(steps).base64EncodedString())
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func damaged(_ key: CodingKeys, _ what: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: what)
        }
        let schools: [Int]
        let ranks: [Int]
        if container.contains(.packedRanks) {
            guard let packed = Data(base64Encoded: try container.decode(String.self, forKey: .packedRanks)) else {
                throw damaged(.packedRanks, "base64")
            }
            ranks = packed.map(Int.init)
            guard ranks.allSatisfy({ $0 <= 100 }) else { throw damaged(.packedRanks, "ranks are percentages") }
            guard let steps = Data(base64Encoded: try container.decode(String.self, forKey: .packedSchools)).flatMap(Self.unpacked),
                let positions = Self.positions(steps: steps)
            else { throw damaged(.packedSchools, "positions ascend") }
            schools = positions
        } else if container.contains(.schoolSteps) {
            guard let positions = Self.positions(steps: try container.decode([Int].self, forKey: .schoolSteps)) else {
                throw damaged(.schoolSteps, "positions ascend")
            }
            schools = positions
            ranks = try container.decode([Int].self, forKey: .ranks)
        } else {
            schools = try container.decode([Int].self, forKey: .schools)
            ranks = try container.decode([Int].self, forKey: .ranks)
        }
        guard ranks.count == schools.count else { throw damaged(.ranks, "one rank per school") }
        self.init(family: try container.decode(String.self, forKey: .family), figure: try container.decode(String.self, forKey: .figure),
            schools: schools, ranks: ranks)
    }

    /// Ascending positions from their steps (the first may be 0, every later one is at least 1), or `nil`.
    private static func positions(steps: [Int]) -> [Int]? {
        var position = 0
        var positions: [Int] = []
        positions.reserveCapacity(steps.count)
        for (index, step) in steps.enumerated() {
            guard step > 0 || (index == 0 && step == 0), step < Int(Int32.max) else { return nil }
            position += step
            positions.append(position)
        }
        return positions
    }

    /// LEB128 numbers, or `nil` when one is cut short or too long.
    private static func unpacked(_ bytes: Data) -> [Int]? {
        var numbers: [Int] = []
        numbers.reserveCapacity(bytes.count)
        var value = 0
        var shift = 0
        for byte in bytes {
            guard shift < 35 else { return nil }
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                numbers.append(value)
                (value, shift) = (0, 0)
            } else {
                shift += 7
            }
        }
        return shift == 0 ? numbers : nil
    }
}

extension PublishedMean: Decodable {
    enum CodingKeys: String, CodingKey { case value }

    func write(_ json: inout JSONBytes) {
        json.object { json in
            json.key("family")
            json.string(key.family.description)
            json.key("group")
            json.string(key.group.description)
            json.key("subject")
            json.string(key.subject)
            json.key("value")
            json.published(value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(key: try KeyFields(from: decoder).key(decoder), value: try container.decode(Published<Double>.self, forKey: .value))
    }
}

extension PublishedFamily: Decodable {
    enum CodingKeys: String, CodingKey { case family, schools }

    func write(_ json: inout JSONBytes) {
        json.object { json in
            json.key("family")
            json.string(family.description)
            json.key("schools")
            json.published(schools)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let family = Family(try container.decode(String.self, forKey: .family)) else {
            throw DecodingError.dataCorruptedError(forKey: .family, in: container, debugDescription: "unknown family")
        }
        self.init(family: family, schools: try container.decode(Published<Int>.self, forKey: .schools))
    }
}

extension SnapshotContent: Decodable {
    enum CodingKeys: String, CodingKey {
        case format, keyStage, policyHash, schools, pupils, families, subjects, proportions, means, schoolDistributions, ranks,
            contributors
    }

    /// The stored form.
    public func encoded() -> [UInt8] {
        var json = JSONBytes(capacity: 256 * (subjects.count + proportions.count) + 8 * rankLists.reduce(0) { $0 + $1.ranks.count })
        json.object { json in
            json.key("contributors")
            json.array(contributors) { json, urn in json.number(urn.rawValue) }
            json.key("families")
            json.array(families) { json, family in family.write(&json) }
            json.key("format")
            json.number(Self.format)
            json.key("keyStage")
            json.string(keyStage.rawValue)
            json.key("means")
            json.array(means) { json, mean in mean.write(&json) }
            json.key("policyHash")
            json.string(policyHash)
            json.key("proportions")
            json.array(proportions) { json, table in table.write(&json) }
            json.key("pupils")
            json.number(pupils)
            json.key("ranks")
            json.array(rankLists, parts: 2) { json, list in list.write(&json) }
            json.key("schoolDistributions")
            json.array(schoolDistributions) { json, distribution in
                json.object { json in
                    json.key("deciles")
                    json.array(distribution.deciles) { json, value in json.number(value) }
                    json.key("family")
                    json.string(distribution.family)
                    json.key("figure")
                    json.string(distribution.figure)
                    json.key("quartiles")
                    json.array(distribution.quartiles) { json, value in json.number(value) }
                    json.key("schools")
                    json.number(distribution.schools)
                }
            }
            json.key("schools")
            json.number(schools)
            json.key("subjects")
            json.array(subjects, parts: 2) { json, table in table.write(&json) }
        }
        return json.bytes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let format = try container.decode(Int.self, forKey: .format)
        let contributors = try container.decode([URN].self, forKey: .contributors)
        let rankLists: [RankList]
        switch format {
        case 1:
            // Ranks per school (URN → its ranks), regrouped into lists per family and figure.
            var lists: [String: (family: String, figure: String, schools: [Int], ranks: [Int])] = [:]
            var order: [String] = []
            let position = Dictionary(uniqueKeysWithValues: contributors.enumerated().map { ($1, $0) })
            let perSchool = try container.decode([String: [PercentileRank]].self, forKey: .ranks)
            for (text, ranks) in perSchool.sorted(by: { $0.key < $1.key }) {
                guard let urn = URN(text), let index = position[urn] else {
                    throw DecodingError.dataCorruptedError(forKey: .ranks, in: container, debugDescription: "not a contributor's URN")
                }
                for rank in ranks {
                    let name = rank.family + "\u{0}" + rank.figure
                    if lists[name] == nil {
                        lists[name] = (rank.family, rank.figure, [], [])
                        order.append(name)
                    }
                    lists[name]!.schools.append(index)
                    lists[name]!.ranks.append(rank.rank)
                }
            }
            rankLists = order.map { name in
                let list = lists[name]!
                let sorted = zip(list.schools, list.ranks).sorted { $0.0 < $1.0 }
                return RankList(family: list.family, figure: list.figure, schools: sorted.map(\.0), ranks: sorted.map(\.1))
            }
        case 2, 3, Self.format:
            rankLists = try container.decode([RankList].self, forKey: .ranks)
        default:
            throw DecodingError.dataCorruptedError(forKey: .format, in: container, debugDescription: "unknown snapshot format")
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
            rankLists: rankLists, contributors: contributors)
    }

    public init(encoded bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(bytes))
    }
}

extension SuppressionReport: Decodable {
    enum CodingKeys: String, CodingKey { case counts, cells, audit, relationCheckedCells }

    private enum AuditKeys: String, CodingKey { case byBounds, byMoves }

    private struct Cell: Decodable {
        let table: String
        let family: String
        let subject: String
        let group: String
        let cell: String
        let reason: SuppressionReason
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
        var audit = SuppressionReport.Audit()
        if container.contains(.audit) {
            let shown = try container.nestedContainer(keyedBy: AuditKeys.self, forKey: .audit)
            audit.byBounds = try shown.decode(Int.self, forKey: .byBounds)
            audit.byMoves = try shown.decode(Int.self, forKey: .byMoves)
        } else {
            // Reports stored before every component was audited in full.
            audit.relationOnly = try container.decode(Int.self, forKey: .relationCheckedCells)
        }
        self.init(entries: entries, audit: audit)
    }

    public func encoded() -> [UInt8] {
        var json = JSONBytes(capacity: 128 * entries.count)
        json.object { json in
            json.key("audit")
            json.object { json in
                json.key("byBounds")
                json.number(audit.byBounds)
                json.key("byMoves")
                json.number(audit.byMoves)
            }
            json.key("cells")
            json.array(entries) { json, entry in
                json.object { json in
                    json.key("cell")
                    json.string(entry.cell.cell)
                    json.key("family")
                    json.string(entry.cell.key.family.description)
                    json.key("group")
                    json.string(entry.cell.key.group.description)
                    json.key("reason")
                    json.string(entry.cell.reason.rawValue)
                    json.key("subject")
                    json.string(entry.cell.key.subject)
                    json.key("table")
                    json.string(entry.table)
                }
            }
            json.key("counts")
            json.object { json in
                for (reason, count) in countsByReason.sorted(by: { $0.key.rawValue.utf8.lexicographicallyPrecedes($1.key.rawValue.utf8) }) {
                    json.key(named: reason.rawValue)
                    json.number(count)
                }
            }
            if audit.relationOnly > 0 {
                json.key("relationCheckedCells")
                json.number(audit.relationOnly)
            }
        }
        return json.bytes
    }

    public init(encoded bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(bytes))
    }
}
