import Testing

@testable import GradeBenchCore

/// Disclosure control on single distributions, against figures worked by hand.
@Suite("Disclosure control")
struct DisclosureControlTests {
    static let policy = SuppressionPolicy(
        pupilThreshold: 10, schoolThreshold: 5, dominancePercent: 10, dominanceCoalition: 2, secondarySuppression: true,
        minimumIntervalWidth: 10, roundingBase: 5, groupAttributeRule: true, groupAttributeMaximumOthers: 2,
        schoolPercentileMinimumSchools: 10, releaseGuard: true, releaseGuardMinimumPupils: 10, releaseGuardMinimumSchools: 5
    )
    static let control = DisclosureControl(policy: policy)
    static let art = try! SubjectCatalogue.standard.subject("ART")
    static let key = DistributionKey(family: .all, subject: "ART", group: .all)

    /// A distribution of ART (grades 9 8 7 6 5 4 3 2 1 U) from per-school counts by grade code.
    static func distribution(_ schools: [[String: Int]]) -> Distribution {
        let coalition = policy.dominanceCoalition
        var grades = art.scale.grades.map { _ in CellStatistics(coalition: coalition) }
        var entries = CellStatistics(coalition: coalition)
        var points = 0.0
        for counts in schools {
            for (index, grade) in art.scale.grades.enumerated() {
                grades[index].add(counts[grade.code] ?? 0)
                points += Double(counts[grade.code] ?? 0) * (grade.points ?? 0)
            }
            entries.add(counts.values.reduce(0, +))
        }
        var distribution = Distribution(subject: art, coalition: coalition)
        distribution.set(grades: grades, entries: entries, pointsSum: points)
        return distribution
    }

    @Test(arguments: [(0, 0), (2, 0), (3, 5), (7, 5), (8, 10), (10, 10), (12, 10), (13, 15), (125, 125)])
    func roundingToBaseFive(count: Int, expected: Int) {
        #expect(Self.control.rounded(count) == expected)
    }

    @Test func cellStatisticsKeepTheLargestAndCountSchools() {
        var cell = CellStatistics(coalition: 2)
        for value in [3, 0, 9, 1, 9, 4] { cell.add(value) }
        #expect(cell.total == 26 && cell.schools == 5 && cell.largest == [9, 9, 4])
        // p% against a coalition of two: 26 − (9 + 9 + 4) = 4 ≥ 10% of 9 → safe.
        #expect(!cell.isDominated(percent: 10))
        var dominated = CellStatistics(coalition: 2)
        for value in [100, 5, 3, 1, 1] { dominated.add(value) }
        // 110 − (100 + 5 + 3) = 2 < 10% of 100 → unsafe; the classic single-attacker rule (coalition 1) agrees.
        #expect(dominated.isDominated(percent: 10))
    }

    /// Five schools; school 0 alone has three pupils at grade 8. Totals: 8:3, 7:20, 6:25, 5:30, 4:20, 3:20, 2:20,
    /// entries 138. Grade 8 is below the pupil threshold; it would stand alone, so the smallest non-zero count
    /// (grade 7, the first of the 20s) is suppressed with it: 3 + 20 = 23 hidden over 2 cells, interval width 21.
    /// Every other count leaves at least 10 pupils when two schools subtract their own (20 − 4 − 4 = 12).
    @Test func primaryAndSecondarySuppressionWithinADistribution() {
        var schools: [[String: Int]] = (0..<5).map { _ in ["7": 4, "6": 5, "5": 6, "4": 4, "3": 4, "2": 4] }
        schools[0]["8"] = 3
        let (published, report) = Self.control.protect(Self.distribution(schools), key: Self.key)
        #expect(published.entries == .value(140))
        let counts = Dictionary(uniqueKeysWithValues: published.grades.map { ($0.code, $0.count) })
        #expect(counts["9"] == .value(0) && counts["8"] == .suppressed && counts["7"] == .suppressed)
        #expect(counts["6"] == .value(25) && counts["5"] == .value(30) && counts["4"] == .value(20) && counts["3"] == .value(20))
        #expect(counts["2"] == .value(20) && counts["1"] == .value(0) && counts["U"] == .value(0))
        let percents = Dictionary(uniqueKeysWithValues: published.grades.map { ($0.code, $0.percent) })
        // From the rounded counts: 25/140, 30/140, 20/140.
        #expect(percents["6"] == .value(17.9) && percents["5"] == .value(21.4) && percents["3"] == .value(14.3))
        // Cumulative: 9 from the counts above (0%); 8 has a suppressed count on both sides; 7 down to U from the
        // entries less the published counts below: 7: 140 − 115 = 25 (17.9%), 6: 50 (35.7%), 5: 80 (57.1%),
        // 4: 100 (71.4%), 3: 120 (85.7%), then 100%.
        let cumulative = published.grades.map(\.cumulativePercent)
        #expect(
            cumulative == [.value(0), .suppressed, .value(17.9), .value(35.7), .value(57.1), .value(71.4), .value(85.7)]
                + Array(repeating: .value(100), count: 3))
        #expect(published.meanPoints == .suppressed)
        #expect(
            Set(report) == [
                SuppressedCell(key: Self.key, cell: "8", reason: .pupilThreshold),
                SuppressedCell(key: Self.key, cell: "7", reason: .secondary),
                SuppressedCell(key: Self.key, cell: "mean", reason: .secondary),
            ]
        )
    }

    /// Insiders: five schools with 3 pupils each at a grade make 15, but two of them pooling their own 6 learn that the
    /// other three schools have 9 pupils there — below the threshold, so the count is suppressed.
    @Test func twoPoolingSchoolsMustNotLearnASmallCount() {
        var cell = CellStatistics(coalition: 2)
        for _ in 0..<5 { cell.add(3) }
        #expect(cell.remainderAfterCoalition == 9)
        #expect(Self.control.primaryReason(cell) == .insider)
        cell.add(1)
        #expect(Self.control.primaryReason(cell) == nil)
    }

    /// Nothing suppressed: every count, percentage, cumulative percentage and the mean are published.
    /// Totals 7:20, 6:25, 5:30, 4:20, 3:15 (entries 110); points 140 + 150 + 150 + 80 + 45 = 565, mean 5.14.
    @Test func aSafeDistributionIsPublishedWhole() {
        let schools: [[String: Int]] = (0..<5).map { _ in ["7": 4, "6": 5, "5": 6, "4": 4, "3": 4] }
        let (published, report) = Self.control.protect(Self.distribution(schools), key: Self.key)
        #expect(report.isEmpty)
        #expect(published.entries == .value(115))
        // (20 × 7 + 25 × 6 + 30 × 5 + 20 × 4 + 20 × 3) / 115 = 580 / 115 = 5.043…
        #expect(published.meanPoints == .value(5.04))
        // Cumulative at or above 7, 6, 5, 4, 3: 20, 45, 75, 95, 115 of 115.
        let cumulative = published.grades.compactMap { $0.cumulativePercent.value }
        #expect(cumulative == [0, 0, 17.4, 39.1, 65.2, 82.6, 100, 100, 100, 100])
    }

    @Test func fewerSchoolsThanTheThresholdWithholdTheDistribution() {
        let schools: [[String: Int]] = (0..<4).map { _ in ["7": 10, "6": 10, "5": 10] }
        let (published, report) = Self.control.protect(Self.distribution(schools), key: Self.key)
        #expect(published.entries == .suppressed && published.grades.allSatisfy { $0.count == .suppressed })
        #expect(report.first == SuppressedCell(key: Self.key, cell: "entries", reason: .schoolThreshold))
        #expect(report.dropFirst().allSatisfy { $0.reason == .base })
    }

    @Test func aDominantSchoolWithholdsTheDistribution() {
        var schools: [[String: Int]] = (0..<4).map { _ in ["5": 1, "4": 1] }
        schools.append(["7": 40, "6": 40, "5": 40])
        let (published, report) = Self.control.protect(Self.distribution(schools), key: Self.key)
        #expect(published.entries == .suppressed)
        #expect(report.first?.reason == .dominance)
    }

    /// All but two pupils share grade 5: publishing would tell every reader each pupil's grade.
    @Test func groupAttributeRule() {
        var schools: [[String: Int]] = (0..<5).map { _ in ["5": 10] }
        schools[0]["4"] = 1
        schools[1]["6"] = 1
        let (published, report) = Self.control.protect(Self.distribution(schools), key: Self.key)
        #expect(published.entries == .suppressed)
        #expect(report.first == SuppressedCell(key: Self.key, cell: "entries", reason: .groupAttribute))
        // Three others are enough for the rule (the other thresholds still apply to each count).
        schools[2]["3"] = 1
        #expect(Self.control.protect(Self.distribution(schools), key: Self.key).0.entries == .value(55))
    }

    /// When no count is left to hide a suppressed one with, the whole distribution is withheld.
    @Test func noComplementLeftWithholdsTheDistribution() {
        var schools: [[String: Int]] = (0..<5).map { _ in ["6": 6, "5": 6] }
        schools[0]["9"] = 4
        let (published, report) = Self.control.protect(Self.distribution(schools), key: Self.key)
        // 9:4 is suppressed; the smallest complement (6:30) brings the hidden total to 34 — enough, so the
        // distribution stands with two suppressed counts and 5 published.
        #expect(published.entries == .value(65))
        #expect(published.grades.first { $0.code == "5" }?.count == .value(30))
        #expect(report.contains(SuppressedCell(key: Self.key, cell: "6", reason: .secondary)))
        // Nine schools with 2 pupils each at a different grade (entries 18): every count is below the threshold, and
        // hiding 18 pupils in nine cells leaves an interval of 9 < 10 with no count left to add.
        let small: [[String: Int]] = Self.art.scale.grades.prefix(9).map { [$0.code: 2] }
        let (withheld, why) = Self.control.protect(Self.distribution(small), key: Self.key)
        #expect(withheld.entries == .suppressed && why.first?.reason == .secondary)
    }
}

@Suite("Benchmark tables")
struct BenchmarkTablesTests {
    static func aggregate(_ counts: [String: Int], pp: [String: Int]) -> PartialAggregate {
        func tally(_ counts: [String: Int]) -> GradeTally {
            var tally = GradeTally()
            tally.counts = counts
            tally.entries = counts.values.reduce(0, +)
            return tally
        }
        var aggregate = PartialAggregate(keyStage: .ks4)
        aggregate.pupils = counts.values.reduce(0, +)
        aggregate.subjects["ART"] = ["all": tally(counts), "pp=Y": tally(pp)]
        return aggregate
    }

    /// Three schools: A (London, academy, small), B (London, maintained, no bands), C (North East, academy).
    @Test func familiesPartitionTheContributingSchools() throws {
        let a = School(urn: URN(rawValue: 100_001)!, name: "A", region: "London", type: "academy", phase: "secondary", sizeBand: "small")
        let b = School(urn: URN(rawValue: 100_002)!, name: "B", region: "London", type: "maintained", phase: "secondary")
        let c = School(urn: URN(rawValue: 100_003)!, name: "C", region: "North East", type: "academy", phase: "secondary")
        let tables = try BenchmarkTables(
            keyStage: .ks4,
            contributions: [
                Contribution(school: a, aggregate: Self.aggregate(["9": 2, "5": 3], pp: ["5": 1])),
                Contribution(school: b, aggregate: Self.aggregate(["9": 4, "4": 6], pp: ["4": 2])),
                Contribution(school: c, aggregate: Self.aggregate(["5": 7], pp: [:])),
            ],
            catalogue: .standard, coalition: 2
        )
        #expect(tables.schoolCount == 3 && tables.pupilCount == 22)
        func figures(_ family: Family, _ group: PupilGroup = .all) -> (entries: Int, schools: Int, grade9: Int, grade5: Int)? {
            guard let d = tables.distributions[DistributionKey(family: family, subject: "ART", group: group)] else { return nil }
            return (d.entries.total, d.entries.schools, d.grades[0].total, d.grades[4].total)
        }
        #expect(figures(.all)! == (22, 3, 6, 10))
        #expect(figures(Family(dimension: .region, value: "London"))! == (15, 2, 6, 3))
        #expect(figures(Family(dimension: .region, value: "North East"))! == (7, 1, 0, 7))
        #expect(figures(Family(dimension: .type, value: "academy"))! == (12, 2, 2, 10))
        #expect(figures(Family(dimension: .size, value: "small"))! == (5, 1, 2, 3))
        #expect(figures(Family(dimension: .disadvantage, value: "low")) == nil)
        // School C has no pp=Y pupils in ART: it does not contribute to that group.
        #expect(figures(.all, PupilGroup("pp=Y")!)! == (3, 2, 0, 1))
        #expect(tables.distributions.keys.filter { $0.group == .all && !$0.family.isDifference }.count == 6)
        // London's schools (A, B) include the only small school (A): "London minus size-band=small" is school B.
        let difference = Family(kind: .difference(smaller: Family(dimension: .size, value: "small"), larger: Family(dimension: .region, value: "London")))
        #expect(figures(difference)! == (10, 1, 4, 0))
    }

    @Test func familyNames() {
        #expect(Family("all") == .all)
        #expect(Family("region=North East") == Family(dimension: .region, value: "North East"))
        #expect(Family("size-band=small")?.description == "size-band=small")
        #expect(Family("county=Kent") == nil && Family("region=") == nil)
    }
}
