/// Release guards (policies/suppression.yaml `release_guard`): publication is refused when someone could derive a
/// small difference — 1 to (minimum − 1) pupils or schools — from published values, against any earlier snapshot of
/// the same collection or between two tables of the same snapshot.
///
/// - Against an earlier snapshot: the contributing schools may not differ by 1 to 4 schools (one school withdrawing
///   or joining would make every table's difference that school's results), and no count published in both may
///   differ by 1 to 9 pupils (the difference of published values, which is all a reader has).
/// - Within the snapshot: for two published families where one's schools are all in the other, no table published
///   for both may rest on 1 to 4 schools more in the larger, and no count published in both may differ by 1 to 9.
///   Disclosure control already protects these differences (`Family.Kind.difference`); the guard checks the result.
public struct ReleaseGuard: Sendable {
    public let policy: SuppressionPolicy

    public init(policy: SuppressionPolicy) {
        self.policy = policy
    }

    /// One derivable difference that is too small.
    public struct Finding: Hashable, Sendable, CustomStringConvertible {
        /// The table and cell: `MATH grade 4 (family region=London, group pp=Y)`, `contributing schools`, …
        public let cell: String
        /// What it is compared with: `snapshot 3`, or the other table.
        public let against: String
        public let difference: Int
        /// `pupils` or `schools`.
        public let unit: String

        public var description: String {
            "\(cell) against \(against): a difference of \(difference) \(difference == 1 ? String(unit.dropLast()) : unit)"
        }
    }

    public struct Refusal: GradeBenchError {
        public let findings: [Finding]
        public var code: String { "release_guard" }
        public var message: String {
            let shown = findings.prefix(5).map(\.description).joined(separator: "; ")
            let more = findings.count > 5 ? "; and \(findings.count - 5) more" : ""
            return "Publication refused by the release guard: \(shown)\(more)."
        }
    }

    public func check(_ content: SnapshotContent, tables: BenchmarkTables, earlier: [(id: Int64, digest: Digest)]) -> [Finding] {
        var findings: [Finding] = []
        let published = [content.subjects, content.proportions].joined()
        let names = earlier.isEmpty ? [] : published.map { Digest.name($0.key) }
        for (id, old) in earlier {
            let against = "snapshot \(id)"
            let changed = Set(old.contributors).symmetricDifference(content.contributors).count
            if isSmall(changed, schools: true) {
                findings.append(Finding(cell: "contributing schools (joined or withdrawn)", against: against, difference: changed, unit: "schools"))
            }
            if isSmall(abs(content.pupils - old.pupils), schools: false) {
                findings.append(Finding(cell: "contributing pupils", against: against, difference: abs(content.pupils - old.pupils), unit: "pupils"))
            }
            for (table, name) in zip(published, names) {
                guard let before = old.tables[name] else { continue }
                Self.forEachCount(table, before) { cell, value, earlier in
                    guard isSmall(abs(value - earlier), schools: false) else { return }
                    findings.append(Finding(cell: Self.name(table, cell), against: against, difference: abs(value - earlier), unit: "pupils"))
                }
            }
        }
        findings += withinSnapshot(content, tables: tables)
        return findings
    }

    private func withinSnapshot(_ content: SnapshotContent, tables: BenchmarkTables) -> [Finding] {
        let differences = tables.members.keys.filter(\.isDifference).sorted()
        guard !differences.isEmpty else { return [] }
        var findings: [Finding] = []
        let ordered = [content.subjects, content.proportions].joined()
        var published: [DistributionKey: PublishedDistribution] = [:]
        for table in ordered { published[table.key] = table }
        for difference in differences {
            guard case .difference(let smaller, let larger) = difference.kind else { continue }
            for whole in ordered where whole.key.family == larger {
                let key = whole.key
                let part = DistributionKey(family: smaller, subject: key.subject, group: key.group)
                guard let small = published[part], whole.entries != .suppressed,
                    small.entries != .suppressed
                else { continue }
                let diff = DistributionKey(family: difference, subject: key.subject, group: key.group)
                let schools = tables.distribution(diff)?.entries.schools ?? 0
                if isSmall(schools, schools: true) {
                    findings.append(Finding(cell: Self.name(whole, "entries"), against: part.description, difference: schools, unit: "schools"))
                }
                Self.forEachCount(whole, Digest.counts(small)) { cell, a, b in
                    guard isSmall(abs(a - b), schools: false) else { return }
                    findings.append(Finding(cell: Self.name(whole, cell), against: part.description, difference: abs(a - b), unit: "pupils"))
                }
            }
        }
        return findings
    }

    private func isSmall(_ difference: Int, schools: Bool) -> Bool {
        difference >= 1 && difference < (schools ? policy.releaseGuardMinimumSchools : policy.releaseGuardMinimumPupils)
    }

    /// Each count published in both `table` and `other` (an earlier or another table's counts, entries first, then
    /// each grade): its cell's name, and the two values. Names are made only for the differences found small, by
    /// `body`'s caller (a national snapshot has ~150,000 counts to compare per earlier snapshot).
    static func forEachCount(_ table: PublishedDistribution, _ other: [Int?], _ body: (_ cell: String, Int, Int) -> Void) {
        for (position, earlier) in other.prefix(table.grades.count + 1).enumerated() {
            guard let value = Digest.count(table, at: position), let earlier else { continue }
            body(position == 0 ? "entries" : table.grades[position - 1].code, value, earlier)
        }
    }

    /// `MATH grade 4 (family region=London, group pp=Y)`, `MATH entries (…)`.
    static func name(_ table: PublishedDistribution, _ cell: String) -> String {
        let what = cell == "entries" || !table.key.subject.allSatisfy({ $0.isUppercase || $0.isNumber }) ? cell : "grade \(cell)"
        return "\(table.key.subject) \(what) (family \(table.key.family), group \(table.key.group))"
    }
}
