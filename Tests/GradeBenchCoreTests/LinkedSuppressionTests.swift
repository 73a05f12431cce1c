import Testing

@testable import GradeBenchCore

/// Attacks on linked tables, each checked with the attacker's own arithmetic (not the audit's code).
@Suite("Linked suppression")
struct LinkedSuppressionTests {
    static let control = DisclosureControl(policy: DisclosureControlTests.policy)
    static let grades = ["9", "8", "7", "6", "5", "4", "3", "2", "1", "U"]

    /// Ten schools, five in London and five in the North; each school's pp=Y and pp=N counts by grade.
    /// London's pp=Y pupils at grade 9 are 3 in all (school 0): a count no table may reveal.
    static func contributions() -> [Contribution] {
        (0..<10).map { index in
            let school = School(
                urn: URN(rawValue: 100_000 + index)!, name: "S\(index)", region: index < 5 ? "London" : "North", type: "academy",
                phase: "secondary")
            var yes: [String: Int] = ["7": 3, "6": 3, "5": 4, "4": 3]
            var no: [String: Int] = ["8": 2, "7": 4, "6": 5, "5": 6, "4": 4, "3": 3]
            if index == 0 { yes["9"] = 3 }
            if index == 7 { no["2"] = 6 }
            var aggregate = PartialAggregate(keyStage: .ks4)
            func tally(_ counts: [String: Int]) -> GradeTally {
                var tally = GradeTally()
                tally.counts = counts
                tally.entries = counts.values.reduce(0, +)
                return tally
            }
            var all = yes
            for (grade, count) in no { all[grade, default: 0] += count }
            aggregate.subjects["ART"] = ["all": tally(all), "pp=Y": tally(yes), "pp=N": tally(no)]
            aggregate.pupils = all.values.reduce(0, +)
            return Contribution(school: school, aggregate: aggregate)
        }
    }

    static func protectedTables() throws -> (tables: BenchmarkTables, published: [DistributionKey: PublishedDistribution]) {
        let tables = try BenchmarkTables(keyStage: .ks4, contributions: contributions(), catalogue: .standard, coalition: 2)
        return (tables, SubjectProtection(control: control).protect(tables.distributions).published)
    }

    static func count(_ published: [DistributionKey: PublishedDistribution], _ family: Family, _ group: PupilGroup, _ grade: Int)
        -> Published<Int>
    {
        published[DistributionKey(family: family, subject: "ART", group: group)]!.grades[grade].count
    }

    static let families = [Family.all, Family(dimension: .region, value: "London"), Family(dimension: .region, value: "North")]
    static let yes = PupilGroup("pp=Y")!
    static let no = PupilGroup("pp=N")!

    @Test func theSmallCountIsSuppressed() throws {
        let (_, published) = try Self.protectedTables()
        #expect(Self.count(published, Family(dimension: .region, value: "London"), Self.yes, 0) == .suppressed)
    }

    /// Counts a group-minus-complement attack recovers: a group's suppressed count where all pupils' and the
    /// complement's counts at that grade are both published (every pupil here has a pp value, so Y = all − N).
    static func recoverable(_ published: [DistributionKey: PublishedDistribution]) -> [String] {
        var found: [String] = []
        for family in families {
            for grade in grades.indices {
                for (group, complement) in [(yes, no), (no, yes)] where count(published, family, group, grade) == .suppressed {
                    if count(published, family, .all, grade) != .suppressed && count(published, family, complement, grade) != .suppressed {
                        found.append("\(family) \(group) grade \(grades[grade])")
                    }
                }
            }
        }
        return found
    }

    /// Protecting each distribution on its own leaves the attack open in this fixture (so the test below means
    /// something): London's and all schools' pp=Y grade 7 counts hide grade 9's 3 pupils, yet all pupils' and
    /// pp=N's grade 7 counts are published.
    @Test func distributionsProtectedAloneAreOpenToIt() throws {
        let tables = try BenchmarkTables(keyStage: .ks4, contributions: Self.contributions(), catalogue: .standard, coalition: 2)
        var alone: [DistributionKey: PublishedDistribution] = [:]
        for (key, distribution) in tables.distributions { alone[key] = Self.control.protect(distribution, key: key).0 }
        #expect(Self.recoverable(alone).contains("all pp=Y grade 7"))
    }

    @Test func groupMinusComplement() throws {
        let (_, published) = try Self.protectedTables()
        #expect(Self.recoverable(published).isEmpty)
        // And protection did not simply withhold everything: most counts are still published (the insiders rule
        // suppresses each region's pp=Y counts: 15 pupils less two schools' 3 + 3 leaves 9).
        let counts = published.values.flatMap(\.grades)
        #expect(counts.filter { $0.count != .suppressed }.count * 2 >= counts.count)
    }

    /// Family minus all schools: London = all schools − North at every grade and group.
    @Test func familyMinusAllSchools() throws {
        let (_, published) = try Self.protectedTables()
        let london = Family(dimension: .region, value: "London")
        let north = Family(dimension: .region, value: "North")
        for group in [PupilGroup.all, Self.yes, Self.no] {
            for grade in Self.grades.indices {
                for (family, other) in [(london, north), (north, london)] where Self.count(published, family, group, grade) == .suppressed {
                    #expect(
                        Self.count(published, .all, group, grade) == .suppressed
                            || Self.count(published, other, group, grade) == .suppressed,
                        "\(family) \(group) grade \(Self.grades[grade])")
                }
            }
        }
    }

    /// No published count covers 1–9 pupils, no distribution shows a lone suppressed count, and every suppressed
    /// count of a published distribution hides at least one pupil (true zeros are published).
    @Test func publishedCountsAndLoneCells() throws {
        let (tables, published) = try Self.protectedTables()
        // The attacker's exact interval for every suppressed cell, and every difference-family cell (never published)
        // that fails the primary rules, is at least 10 wide.
        #expect(Self.narrowIntervals(tables, published, control: Self.control).isEmpty)
        for (key, distribution) in tables.distributions where !key.family.isDifference {
            let table = published[key]!
            guard case .value = table.entries else { continue }
            #expect(table.grades.filter { $0.count == .suppressed }.count != 1, "\(key)")
            for (index, grade) in table.grades.enumerated() {
                let truth = distribution.grades[index].total
                if grade.count == .suppressed {
                    #expect(truth > 0, "\(key) \(grade.code)")
                } else {
                    #expect(truth == 0 || truth >= 10, "\(key) \(grade.code)")
                }
            }
        }
    }

    /// The protected cells whose interval, computed by the simplex over everything published at once (every linked
    /// component whole, however large), is narrower than 10: suppressed cells and the difference-family cells failing
    /// the primary rules.
    static func narrowIntervals(
        _ tables: BenchmarkTables, _ published: [DistributionKey: PublishedDistribution], control: DisclosureControl
    ) -> [String] {
        var suppressed: Set<LinkModel.Cell> = []
        var protected: Set<LinkModel.Cell> = []
        for (key, distribution) in tables.distributions where key.family.isDifference {
            for (column, cell) in distribution.grades.enumerated() {
                suppressed.insert(LinkModel.Cell(key: key, column: column))
                if control.primaryReason(cell) != nil { protected.insert(LinkModel.Cell(key: key, column: column)) }
            }
            suppressed.insert(LinkModel.Cell(key: key, column: distribution.grades.count))
        }
        for (key, table) in published {
            if table.entries == .suppressed { suppressed.insert(LinkModel.Cell(key: key, column: table.grades.count)) }
            for (column, grade) in table.grades.enumerated() where grade.count == .suppressed {
                suppressed.insert(LinkModel.Cell(key: key, column: column))
            }
        }
        protected.formUnion(suppressed.filter { !$0.key.family.isDifference })
        let truth = { (cell: LinkModel.Cell) -> Int in
            let distribution = tables.distributions[cell.key]!
            return cell.column < distribution.grades.count ? distribution.grades[cell.column].total : distribution.entries.total
        }
        return LinkModel(tables.distributions).intervals(suppressed: suppressed).compactMap { cell, interval in
            guard protected.contains(cell), truth(cell) > 0, let upper = interval.upper, upper - interval.lower < 10 - 1e-6
            else { return nil }
            return "\(cell.key) column \(cell.column): \(truth(cell)) in \(interval.lower)…\(upper)"
        }.sorted()
    }
}
