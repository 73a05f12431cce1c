import PropertyBased
import Testing

@testable import GradeBenchCore

/// Random collections of schools — tiny schools, a dominant school, a niche subject, skewed groups — protected
/// with the default policy, then checked with the attacker's arithmetic and the raw per-school figures.
@Suite("Disclosure control properties")
struct DisclosurePropertyTests {
    static let grades = ["9", "8", "7", "6", "5", "4", "3", "2", "1", "U"]
    static let regions = ["London", "North", "South"]

    /// One generated collection: per school its region and, per pp value, counts by grade of one subject.
    struct Collection: Sendable, CustomStringConvertible {
        let schools: [(region: String, yes: [Int], no: [Int])]
        var description: String { schools.map { "\($0.region) Y\($0.yes) N\($0.no)" }.joined(separator: "; ") }

        var contributions: [Contribution] {
            schools.enumerated().map { index, school in
                func tally(_ counts: [Int]) -> GradeTally {
                    var tally = GradeTally()
                    for (grade, count) in zip(DisclosurePropertyTests.grades, counts) where count > 0 { tally.counts[grade] = count }
                    tally.entries = counts.reduce(0, +)
                    return tally
                }
                var aggregate = PartialAggregate(keyStage: .ks4)
                aggregate.subjects["ART"] = [
                    "all": tally(zip(school.yes, school.no).map(+)), "pp=Y": tally(school.yes), "pp=N": tally(school.no),
                ]
                aggregate.pupils = (school.yes + school.no).reduce(0, +)
                let registry = School(
                    urn: URN(rawValue: 200_000 + index)!, name: "P\(index)", region: school.region, type: "academy",
                    phase: "secondary")
                return Contribution(school: registry, aggregate: aggregate)
            }
        }
    }

    /// 3–14 schools; each school's size (tiny to dominant) scales its counts; pp=Y pupils are skewed to a few grades.
    static let collections = Gen.int(in: 0...Int.max).array(of: 3...14).map(collection)

    static func collection(_ seeds: [Int]) -> Collection {
        Collection(
            schools: seeds.map { seed in
                var state = UInt64(truncatingIfNeeded: seed) | 1
                func next(_ bound: Int) -> Int {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return Int((state >> 33) % UInt64(bound))
                }
                let scale = [0, 1, 1, 2, 4, 12][next(6)]  // 0: tiny, 12: dominant
                let yes = grades.indices.map { index in index >= 2 && index <= 5 ? next(3) * scale : next(2) * next(2) }
                let no = grades.indices.map { _ in next(5) * max(scale, 1) }
                return (regions[next(3)], yes, no)
            }
        )
    }

    static let control = DisclosureControl(policy: DisclosureControlTests.policy)

    @Test func protectedCollectionsDiscloseNoSmallCountsOrSchools() async {
        await propertyCheck(count: 12, input: Self.collections) { collection in Self.check(collection) }
    }

    /// The same with up to 32 schools, every linked component of more than 12 hidden cells treated as too large to
    /// solve whole, as the largest national ones are: the audit's moves and its simplex over each cell's
    /// neighbourhood must still leave no interval narrower than 10.
    @Test func protectedByPartsDiscloseNoSmallCounts() async {
        let collections = Gen.int(in: 0...Int.max).array(of: 3...32).map(Self.collection)
        await propertyCheck(count: 12, input: collections) { collection in Self.check(collection, auditLimit: 12) }
    }

    /// Sixteen schools where moves alone (the audit before December 2026, for large components) left South's pp=N
    /// grade 9 count pinned exactly, every relation on its own looking wide: found by searching generated collections.
    @Test func aLargeComponentAuditedByPartsPinsNothing() {
        let seeds = [
            4_213_781_754_542_712_844, 3_761_966_685_952_859_654, 1_301_761_425_998_561_581, 1_718_030_775_034_751_036,
            3_089_723_332_514_502_209, 2_045_818_279_323_895_895, 1_714_203_475_205_218_410, 2_212_452_225_752_492_277,
            2_124_442_425_722_174_918, 1_910_602_698_568_103_352, 733_456_946_655_508_855, 705_404_984_738_218_814,
            425_203_373_562_581_915, 2_719_289_769_235_363_625, 1_314_785_889_560_938_836, 2_308_189_774_118_580_247,
        ]
        Self.check(Self.collection(seeds), auditLimit: 12)
    }

    /// Thirteen schools (found by the property above, shrunk): South has no pp=Y pupils, so its pp=Y distribution (entries
    /// 0) is withheld and the regions' relation gives its zeros exactly. That discloses nobody; zeros of a withheld
    /// distribution that has pupils must not stand alone in a relation (`LinkModel.additions`).
    @Test func anEmptyGroupAloneInItsRelationDisclosesNobody() {
        let schools: [(region: String, yes: [Int], no: [Int])] = [
            ("North", [0, 0, 0, 0, 0, 0, 1, 1, 0, 0], [2, 2, 1, 1, 4, 0, 0, 0, 4, 4]),
            ("North", [0, 0, 2, 0, 1, 1, 0, 1, 0, 0], [3, 3, 2, 4, 1, 2, 2, 2, 2, 0]),
            ("London", [1, 0, 12, 0, 12, 12, 0, 1, 1, 0], [36, 48, 24, 24, 48, 24, 12, 24, 48, 36]),
            ("London", [0, 0, 2, 2, 2, 2, 0, 1, 0, 0], [4, 2, 0, 4, 2, 4, 0, 4, 6, 8]),
            ("North", [0, 0, 2, 2, 1, 0, 0, 0, 1, 0], [2, 1, 0, 2, 3, 4, 3, 0, 0, 4]),
            ("London", [0, 0, 2, 2, 0, 1, 0, 0, 0, 0], [3, 4, 4, 0, 0, 1, 1, 4, 4, 0]),
            ("London", [0, 0, 24, 12, 24, 0, 0, 0, 0, 0], [48, 36, 24, 12, 0, 12, 48, 24, 24, 0]),
            ("North", [0, 0, 2, 2, 4, 0, 0, 0, 1, 1], [2, 6, 2, 2, 6, 0, 4, 2, 2, 6]),
            ("North", [1, 0, 0, 0, 12, 24, 0, 0, 0, 1], [48, 0, 24, 48, 48, 12, 24, 48, 48, 12]),
            ("South", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 2, 0, 1, 1, 2, 2, 4]),
            ("London", [0, 0, 0, 8, 8, 8, 0, 0, 0, 0], [12, 16, 8, 8, 8, 16, 0, 0, 0, 4]),
            ("London", [0, 0, 1, 1, 1, 2, 0, 0, 1, 0], [0, 1, 0, 3, 4, 4, 4, 0, 2, 0]),
            ("London", [1, 0, 2, 1, 1, 1, 0, 1, 1, 0], [3, 1, 0, 3, 4, 4, 0, 1, 3, 2]),
        ]
        Self.check(Collection(schools: schools))
    }

    static func check(_ collection: Collection, auditLimit: Int = LinkModel.auditLimit) {
        guard let tables = try? BenchmarkTables(keyStage: .ks4, contributions: collection.contributions, catalogue: .standard, coalition: 2)
        else {
            Issue.record("tables failed")
            return
        }
        var protection = SubjectProtection(control: Self.control)
        protection.auditLimit = auditLimit
        let outcome = protection.protectLinked(tables.distributions)
        let published = Dictionary(uniqueKeysWithValues: outcome.published.map { ($0.key, $0) })
        // Every protected cell's exact interval, from everything published at once, is at least 10 wide.
        #expect(LinkedSuppressionTests.narrowIntervals(tables, published, control: Self.control) == [])
        #expect(outcome.audit.relationOnly == 0)
        // Raw per-school counts for every cell, to check thresholds and the p% rule without the code under test.
        var raw: [DistributionKey: [[Int]]] = [:]  // key → per school → grade counts + entries
        for contribution in collection.contributions {
            for family in Family.families(of: contribution.school) {
                for (name, tally) in contribution.aggregate.subjects["ART"]! {
                    let key = DistributionKey(family: family, subject: "ART", group: PupilGroup(name)!)
                    raw[key, default: []].append(Self.grades.map { tally.counts[$0] ?? 0 } + [tally.entries])
                }
            }
        }
        for (key, table) in published {
            let schools = raw[key]!
            func safe(_ column: Int) -> Bool {
                let values = schools.map { $0[column] }.filter { $0 > 0 }.sorted(by: >)
                let total = values.reduce(0, +)
                guard total > 0 else { return true }
                let others = total - values.prefix(3).reduce(0, +)
                return total >= 10 && values.count >= 5 && Double(others) >= 0.1 * Double(values[0])
            }
            guard case .value(let entries) = table.entries else { continue }
            #expect(safe(Self.grades.count), "\(key) entries \(entries)")
            for (column, grade) in table.grades.enumerated() {
                if case .value = grade.count { #expect(safe(column), "\(key) grade \(grade.code)") }
            }
            #expect(table.grades.filter { $0.count == .suppressed }.count != 1, "\(key): a lone suppressed count")
            // Cumulative percentages rise to exactly 100 at the lowest grade, never above it.
            #expect(table.grades.last?.cumulativePercent == .value(100), "\(key): at or above the lowest grade")
            #expect(table.grades.allSatisfy { ($0.cumulativePercent.value ?? 0) <= 100 }, "\(key): above 100 %")
        }
        // No relation leaves exactly one suppressed cell (group less complement, region less the others), unless it is
        // of a distribution with no pupils at all (raw entries 0: its zeros disclose nobody).
        let empty = { (key: DistributionKey) -> Bool in (raw[key] ?? []).reduce(0) { $0 + $1[Self.grades.count] } == 0 }
        let suppressed = { (key: DistributionKey, column: Int) -> Bool in
            guard let table = published[key] else { return false }
            return column == Self.grades.count ? table.entries == .suppressed : table.grades[column].count == .suppressed
        }
        let families = [Family.all] + Self.regions.map { Family(dimension: .region, value: $0) }
        for column in 0...Self.grades.count {
            for family in families where published[DistributionKey(family: family, subject: "ART", group: .all)] != nil {
                let cells = ["all", "pp=Y", "pp=N"].map { DistributionKey(family: family, subject: "ART", group: PupilGroup($0)!) }
                let hidden = cells.filter { suppressed($0, column) }
                #expect(hidden.count != 1 || empty(hidden[0]), "\(family) pp column \(column)")
            }
            for group in ["all", "pp=Y", "pp=N"].map({ PupilGroup($0)! }) {
                let cells = families.map { DistributionKey(family: $0, subject: "ART", group: group) }
                    .filter { published[$0] != nil }
                let hidden = cells.filter { suppressed($0, column) }
                #expect(hidden.count != 1 || empty(hidden[0]), "\(group) regions column \(column)")
            }
        }
        // Deterministic: the same input protects to the same output.
        #expect(protection.protect(tables.distributions).published == published)
    }
}
