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

    public func check(
        _ content: SnapshotContent, tables: BenchmarkTables, earlier: [(id: Int64, content: SnapshotContent)]
    ) -> [Finding] {
        var findings: [Finding] = []
        let counts = Self.counts(content)
        for (id, old) in earlier {
            let against = "snapshot \(id)"
            let changed = Set(old.contributors).symmetricDifference(content.contributors).count
            if isSmall(changed, schools: true) {
                findings.append(Finding(cell: "contributing schools (joined or withdrawn)", against: against, difference: changed, unit: "schools"))
            }
            let oldCounts = Self.counts(old)
            for (cell, value) in counts.sorted(by: { $0.key < $1.key }) {
                guard let previous = oldCounts[cell] else { continue }
                let difference = abs(value - previous)
                if isSmall(difference, schools: false) {
                    findings.append(Finding(cell: cell, against: against, difference: difference, unit: "pupils"))
                }
            }
        }
        findings += withinSnapshot(content, tables: tables)
        return findings
    }

    private func withinSnapshot(_ content: SnapshotContent, tables: BenchmarkTables) -> [Finding] {
        var findings: [Finding] = []
        var published: [DistributionKey: PublishedDistribution] = [:]
        for table in content.subjects + content.proportions { published[table.key] = table }
        let differences = tables.members.keys.filter(\.isDifference).sorted()
        let keys = published.keys.sorted()
        for difference in differences {
            guard case .difference(let smaller, let larger) = difference.kind else { continue }
            for key in keys where key.family == larger {
                let part = DistributionKey(family: smaller, subject: key.subject, group: key.group)
                guard let whole = published[key], let small = published[part], whole.entries != .suppressed,
                    small.entries != .suppressed
                else { continue }
                let diff = DistributionKey(family: difference, subject: key.subject, group: key.group)
                let schools = (tables.distributions[diff] ?? tables.proportions[diff])?.entries.schools ?? 0
                if isSmall(schools, schools: true) {
                    findings.append(Finding(cell: Self.name(whole, "entries"), against: part.description, difference: schools, unit: "schools"))
                }
                let pairs = [(whole.entries.value, small.entries.value, "entries")]
                    + zip(whole.grades, small.grades).map { ($0.count.value, $1.count.value, $0.code) }
                for case let (a?, b?, cell) in pairs where isSmall(abs(a - b), schools: false) {
                    findings.append(Finding(cell: Self.name(whole, cell), against: part.description, difference: abs(a - b), unit: "pupils"))
                }
            }
        }
        return findings
    }

    private func isSmall(_ difference: Int, schools: Bool) -> Bool {
        difference >= 1 && difference < (schools ? policy.releaseGuardMinimumSchools : policy.releaseGuardMinimumPupils)
    }

    /// Every published count of a snapshot by name.
    static func counts(_ content: SnapshotContent) -> [String: Int] {
        var counts: [String: Int] = ["contributing pupils": content.pupils]
        for table in content.subjects + content.proportions {
            if let entries = table.entries.value { counts[name(table, "entries")] = entries }
            for grade in table.grades { if let count = grade.count.value { counts[name(table, grade.code)] = count } }
        }
        return counts
    }

    /// `MATH grade 4 (family region=London, group pp=Y)`, `MATH entries (…)`.
    static func name(_ table: PublishedDistribution, _ cell: String) -> String {
        let what = cell == "entries" || !table.key.subject.allSatisfy({ $0.isUppercase || $0.isNumber }) ? cell : "grade \(cell)"
        return "\(table.key.subject) \(what) (family \(table.key.family), group \(table.key.group))"
    }
}
