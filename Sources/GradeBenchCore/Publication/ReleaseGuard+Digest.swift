extension ReleaseGuard {
    /// What the release guard needs of an earlier snapshot: its contributing schools, its pupils and every count it
    /// published. Stored beside each snapshot, so a publication compares against every earlier one without decoding
    /// their whole content (a national snapshot is ~30 MB of JSON).
    ///
    /// Stored form (lines; names escaped so a tab or newline in a registry value cannot break a line):
    /// ```
    /// gradebench-guard 1
    /// pupils 598860
    /// contributors 900001 900002 …
    /// FAMILY<tab>SUBJECT<tab>GROUP<tab>entries<tab>count…      (published order of grades; c when suppressed)
    /// ```
    public struct Digest: Hashable, Sendable {
        public let contributors: [URN]
        public let pupils: Int
        /// Table name (escaped family, subject, group) → entries then each grade's count; `nil` where suppressed.
        let tables: [String: [Int?]]

        public init(_ content: SnapshotContent) {
            contributors = content.contributors
            pupils = content.pupils
            var tables: [String: [Int?]] = [:]
            for table in [content.subjects, content.proportions].joined() { tables[Self.name(table.key)] = Self.counts(table) }
            self.tables = tables
        }

        /// The published counts of `table`, entries first.
        static func counts(_ table: PublishedDistribution) -> [Int?] {
            (0...table.grades.count).map { count(table, at: $0) }
        }

        /// The published count at `position` of that order (0: entries; then each grade), `nil` where suppressed.
        static func count(_ table: PublishedDistribution, at position: Int) -> Int? {
            position == 0 ? table.entries.value : table.grades[position - 1].count.value
        }

        static func name(_ key: DistributionKey) -> String {
            [key.family.description, key.subject, key.group.description].map(escaped).joined(separator: "\t")
        }

        private static func escaped(_ text: String) -> String {
            // Looked for in the UTF-8 bytes (a national digest names ~9,000 tables; walking each name's characters
            // was most of its encoding); the rare name that has one is escaped character by character as before.
            guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return text }
            return text.escaping(["\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"])
        }

        public struct DecodingFailure: GradeBenchError {
            public let line: Int
            public var code: String { "snapshot_digest_corrupt" }
            public var message: String { "A stored snapshot digest is damaged (line \(line))." }
        }

        /// One count field: decimal digits (at most 18), or `c` where suppressed.
        private static func count(_ field: ArraySlice<UInt8>, line: Int) throws(DecodingFailure) -> Int? {
            if field.count == 1, field.first == UInt8(ascii: "c") { return nil }
            guard (1...18).contains(field.count) else { throw DecodingFailure(line: line) }
            var value = 0
            for byte in field {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw DecodingFailure(line: line) }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }

        /// The stored form, tables in name order.
        public func encoded() -> [UInt8] {
            Self.encoded(contributors: contributors, pupils: pupils, tables: tables.count) { bytes in
                for name in tables.keys.sorted() { Self.write(name: name, counts: tables[name]!, into: &bytes) }
            }
        }

        /// The stored form of `content`'s digest, written straight from its tables in published order (readers key
        /// the tables by name, so their order does not matter): a national snapshot's ~6,700 tables are neither
        /// keyed nor sorted on the way, and no name or number becomes a string.
        public static func encoded(_ content: SnapshotContent) -> [UInt8] {
            encoded(contributors: content.contributors, pupils: content.pupils, tables: content.subjects.count + content.proportions.count) {
                bytes in
                for table in [content.subjects, content.proportions].joined() {
                    bytes += escaped(table.key.family.description).utf8
                    bytes.append(UInt8(ascii: "\t"))
                    bytes += escaped(table.key.subject).utf8
                    bytes.append(UInt8(ascii: "\t"))
                    bytes += escaped(table.key.group.description).utf8
                    for position in 0...table.grades.count { write(count: count(table, at: position), into: &bytes) }
                    bytes.append(UInt8(ascii: "\n"))
                }
            }
        }

        private static func write(name: String, counts: [Int?], into bytes: inout [UInt8]) {
            bytes += name.utf8
            for count in counts { write(count: count, into: &bytes) }
            bytes.append(UInt8(ascii: "\n"))
        }

        private static func write(count: Int?, into bytes: inout [UInt8]) {
            bytes.append(UInt8(ascii: "\t"))
            if let count { bytes.appendDecimal(count) } else { bytes.append(UInt8(ascii: "c")) }
        }

        private static func encoded(contributors: [URN], pupils: Int, tables: Int, _ writeTables: (inout [UInt8]) -> Void) -> [UInt8] {
            var bytes = Array("gradebench-guard 1\npupils \(pupils)\ncontributors".utf8)
            bytes.reserveCapacity(8 * contributors.count + 80 * tables)
            for urn in contributors {
                bytes.append(UInt8(ascii: " "))
                bytes.appendDecimal(urn.rawValue)
            }
            bytes.append(UInt8(ascii: "\n"))
            writeTables(&bytes)
            return bytes
        }

        public init(encoded bytes: [UInt8]) throws(DecodingFailure) {
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
            guard lines.count >= 3, text(lines[0]) == "gradebench-guard 1" else { throw DecodingFailure(line: 1) }
            guard lines[1].starts(with: "pupils ".utf8), let pupils = Int(text(lines[1].dropFirst(7))) else {
                throw DecodingFailure(line: 2)
            }
            let urns = lines[2].split(separator: UInt8(ascii: " "))
            guard urns.first.map(text) == "contributors" else { throw DecodingFailure(line: 3) }
            var contributors: [URN] = []
            for field in urns.dropFirst() {
                guard let urn = Int(text(field)).flatMap(URN.init(rawValue:)) else { throw DecodingFailure(line: 3) }
                contributors.append(urn)
            }
            // Each table line read from its bytes: the name (its first three fields) as one string, then each count
            // (decimal digits, or c) without a string per field. A guard reads one digest per earlier snapshot.
            var tables: [String: [Int?]] = [:]
            tables.reserveCapacity(lines.count)
            for (index, line) in lines.enumerated().dropFirst(3) {
                let tab = UInt8(ascii: "\t")
                var nameEnd = line.startIndex
                for _ in 0..<3 {
                    guard let next = line[nameEnd...].firstIndex(of: tab) else { throw DecodingFailure(line: index + 1) }
                    nameEnd = line.index(after: next)
                }
                var counts: [Int?] = []
                var start = nameEnd
                while true {
                    let end = line[start...].firstIndex(of: tab) ?? line.endIndex
                    counts.append(try Self.count(line[start..<end], line: index + 1))
                    guard end < line.endIndex else { break }
                    start = line.index(after: end)
                }
                tables[text(line[..<line.index(before: nameEnd)])] = counts
            }
            self.contributors = contributors
            self.pupils = pupils
            self.tables = tables
        }
    }
}
