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
            for table in content.subjects + content.proportions { tables[Self.name(table.key)] = Self.counts(table) }
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
            guard text.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return text }
            return text.escaping(["\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"])
        }

        public struct DecodingFailure: GradeBenchError {
            public let line: Int
            public var code: String { "snapshot_digest_corrupt" }
            public var message: String { "A stored snapshot digest is damaged (line \(line))." }
        }

        public func encoded() -> [UInt8] {
            var text = "gradebench-guard 1\npupils \(pupils)\ncontributors"
            for urn in contributors { text += " \(urn.rawValue)" }
            text += "\n"
            for name in tables.keys.sorted() {
                text += name
                for count in tables[name]! { text += count.map { "\t\($0)" } ?? "\tc" }
                text += "\n"
            }
            return Array(text.utf8)
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
            var tables: [String: [Int?]] = [:]
            for (index, line) in lines.enumerated().dropFirst(3) {
                let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                guard fields.count >= 4 else { throw DecodingFailure(line: index + 1) }
                var counts: [Int?] = []
                for field in fields.dropFirst(3) {
                    if field.elementsEqual("c".utf8) {
                        counts.append(nil)
                    } else if let count = Int(text(field)) {
                        counts.append(count)
                    } else {
                        throw DecodingFailure(line: index + 1)
                    }
                }
                tables[fields[0..<3].map(text).joined(separator: "\t")] = counts
            }
            self.contributors = contributors
            self.pupils = pupils
            self.tables = tables
        }
    }
}
