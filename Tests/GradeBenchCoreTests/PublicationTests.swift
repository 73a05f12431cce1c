import Testing

@testable import GradeBenchCore

/// A whole publication in Core, checked with figures worked by hand and with the attacker's own arithmetic.
@Suite("Publication")
struct PublicationTests {
    static let policy = DisclosureControlTests.policy
    static let publication = Publication(policy: policy, policyHash: "test-policy")
    static let grades = ["9", "8", "7", "6", "5", "4", "3", "2", "1", "U"]

    /// A KS4 school: per pupil group, ART counts by grade, and KS4 measure figures for all pupils.
    static func school(
        _ index: Int, region: String = "London", type: String = "academy", art: [String: [String: Int]],
        measures: [String: [String: Double]] = [:]
    ) -> Contribution {
        var aggregate = PartialAggregate(keyStage: .ks4)
        for (group, counts) in art {
            var tally = GradeTally()
            tally.counts = counts.filter { $0.value > 0 }
            tally.entries = counts.values.reduce(0, +)
            tally.pointsSum = counts.reduce(0.0) { $0 + Double($1.value) * (Double($1.key) ?? 0) }
            aggregate.subjects["ART", default: [:]][group] = tally
        }
        for (group, figures) in measures {
            var tally = MeasureTally()
            tally.values = figures
            aggregate.measures[group] = tally
        }
        aggregate.pupils = art["all"]?.values.reduce(0, +) ?? 0
        let registry = School(
            urn: URN(rawValue: 300_000 + index)!, name: "T\(index)", region: region, type: type, phase: "secondary")
        return Contribution(school: registry, aggregate: aggregate)
    }

    static let ordinary: [String: Int] = ["8": 3, "7": 4, "6": 5, "5": 6, "4": 4, "3": 3]

    static func table(_ content: SnapshotContent, _ family: Family = .all, _ group: PupilGroup = .all) -> PublishedDistribution? {
        content.subjects.first { $0.key == DistributionKey(family: family, subject: "ART", group: group) }
    }

    /// Own-school subtraction and two colluding schools: for every count published, every school alone and every two
    /// schools together, subtracting their own contributions, are left with either nothing or at least 10 pupils
    /// of the others. School 0 has 40 pupils at grade 9; four others 2 each (8 pupils beyond school 0).
    @Test func ownSchoolSubtractionAndTwoColludingSchools() throws {
        var schools = (0..<8).map { index in
            var counts = Self.ordinary
            counts["9"] = index == 0 ? 40 : (index < 5 ? 2 : 0)
            return Self.school(index, art: ["all": counts])
        }
        schools.append(Self.school(8, art: ["all": Self.ordinary]))
        let (content, _) = try Self.publication.publish(keyStage: .ks4, contributions: schools, earlier: [])
        let all = try #require(Self.table(content))
        #expect(all.grades[0].count == .suppressed)
        for (position, grade) in Self.grades.enumerated() where all.grades[position].count != .suppressed {
            let own = schools.map { $0.aggregate.subjects["ART"]!["all"]!.counts[grade] ?? 0 }
            let total = own.reduce(0, +)
            for a in own.indices {
                for b in own.indices where b >= a {
                    let rest = total - own[a] - (b == a ? 0 : own[b])
                    #expect(rest == 0 || rest >= 10, "grade \(grade): schools \(a) and \(b) learn \(rest) pupils of the others")
                }
            }
        }
    }

    /// Group attribute: all pupils of a group at one grade, or all but one or two, is never published.
    @Test(arguments: [0, 1, 2])
    func groupWhereAllButAFewShareOneGrade(others: Int) throws {
        let schools = (0..<6).map { index in
            var send: [String: Int] = ["4": 3]
            if index < others { send["5"] = 1 }
            var all = Self.ordinary
            all["4", default: 0] += send["4"]!
            all["5", default: 0] += send["5"] ?? 0
            return Self.school(index, art: ["all": all, "send=E": send])
        }
        let (content, report) = try Self.publication.publish(keyStage: .ks4, contributions: schools, earlier: [])
        let table = try #require(Self.table(content, .all, PupilGroup("send=E")!))
        #expect(table.entries == .suppressed)
        #expect(table.grades.allSatisfy { $0.count == .suppressed && $0.percent == .suppressed })
        let reason = report.entries.first { $0.cell.key == table.key && $0.cell.cell == "entries" }?.cell.reason
        #expect(reason == .groupAttribute)
    }

    /// One school withdraws between two snapshots: the second publication is refused (its tables would differ by
    /// that school's results), naming the contributing schools.
    @Test func aSnapshotAfterOneSchoolWithdrawsIsRefused() throws {
        let schools = (0..<12).map { Self.school($0, art: ["all": Self.ordinary]) }
        let (first, _) = try Self.publication.publish(keyStage: .ks4, contributions: schools, earlier: [])
        #expect(Self.table(first)?.entries == .value(300))
        #expect(throws: ReleaseGuard.Refusal.self) {
            try Self.publication.publish(keyStage: .ks4, contributions: Array(schools.dropLast()), earlier: [(1, first)])
        }
        do {
            _ = try Self.publication.publish(keyStage: .ks4, contributions: Array(schools.dropLast()), earlier: [(1, first)])
        } catch let refusal as ReleaseGuard.Refusal {
            #expect(refusal.findings.contains { $0.cell.hasPrefix("contributing schools") && $0.difference == 1 && $0.unit == "schools" })
            #expect(refusal.message.contains("snapshot 1"))
        }
        // The same schools again (nothing changed) pass the guard and give the same content.
        let (again, _) = try Self.publication.publish(keyStage: .ks4, contributions: schools, earlier: [(1, first)])
        #expect(again == first)
        // Five more schools: every count moves by at least 10 (each school has 25 pupils).
        let more = schools + (12..<17).map { Self.school($0, art: ["all": ["8": 5, "7": 5, "6": 5, "5": 5, "4": 5, "3": 5]]) }
        #expect(throws: Never.self) { try Self.publication.publish(keyStage: .ks4, contributions: more, earlier: [(1, first)]) }
    }

    /// A nested family (every free school is in London; London has two schools more): the two families' published
    /// tables must not give away the two other London schools' results.
    @Test func aNestedFamilyLessItsLargerFamilyDisclosesNothing() throws {
        var schools = (0..<6).map { Self.school($0, region: "London", type: "free", art: ["all": Self.ordinary]) }
        schools += (6..<8).map { Self.school($0, region: "London", art: ["all": ["9": 3, "8": 4]]) }
        schools += (8..<14).map { Self.school($0, region: "North", art: ["all": Self.ordinary]) }
        let (content, _) = try Self.publication.publish(keyStage: .ks4, contributions: schools, earlier: [])
        let london = try #require(Self.table(content, Family(dimension: .region, value: "London")))
        let free = try #require(Self.table(content, Family(dimension: .type, value: "free")))
        for (l, f) in zip(london.grades, free.grades) {
            if let a = l.count.value, let b = f.count.value {
                #expect(a - b == 0 || a - b >= 10, "grade \(l.code): London less free schools is \(a - b)")
            }
        }
        if let a = london.entries.value, let b = free.entries.value { #expect(a - b == 0 || a - b >= 10) }
    }

    /// Headline measures against figures worked by hand: ten schools of 20 pupils, each with Attainment 8 sum 1000
    /// (mean 50) except school 0 (sum 600, mean 30); 4+ in English and maths: 12 of 20 everywhere (60%).
    @Test func headlineMeasures() throws {
        let schools = (0..<10).map { index in
            Self.school(
                index, art: ["all": Self.ordinary],
                measures: ["all": ["pupils": 20, "a8.sum": index == 0 ? 600 : 1000, "em4": 12, "em5": 8]])
        }
        let (content, _) = try Self.publication.publish(keyStage: .ks4, contributions: schools, earlier: [])
        let a8 = content.means.first { $0.key == DistributionKey(family: .all, subject: "attainment8", group: .all) }
        // (600 + 9 × 1000) / 200 = 48.0
        #expect(a8?.value == .value(48.0))
        let em4 = content.proportions.first { $0.key == DistributionKey(family: .all, subject: "english-maths-4", group: .all) }
        #expect(em4?.entries == .value(200))
        #expect(em4?.grades[0].count == .value(120))
        #expect(em4?.grades[0].percent == .value(60.0))
        // School distribution of Attainment 8: nine schools at 50, one at 30. Type 7 quartiles: 50, 50, 50;
        // first decile: position 0.9 between 30 and 50 → 48.
        let distribution = content.schoolDistributions.first { $0.family == "all" && $0.figure == "attainment8" }
        #expect(distribution?.schools == 10)
        #expect(distribution?.quartiles == [50, 50, 50])
        #expect(distribution?.deciles.first == 48)
        // School 0 is below all nine others: rank 0 + ½ × 1 of 10 → 5; the others: (1 + 4.5) / 10 → 55.
        #expect(content.ranks(of: schools[0].school.urn).first { $0.family == "all" && $0.figure == "attainment8" }?.rank == 5)
        #expect(content.ranks(of: schools[1].school.urn).first { $0.family == "all" && $0.figure == "attainment8" }?.rank == 55)
    }

    /// A group's mean is not published alone when its complement and all pupils' are: it would be recoverable.
    @Test func aLoneSuppressedMeanIsNotRecoverable() throws {
        let schools = (0..<10).map { index in
            Self.school(
                index, art: ["all": Self.ordinary],
                measures: [
                    "all": ["pupils": 21, "a8.sum": 1000], "pp=N": ["pupils": 20, "a8.sum": 980],
                    "pp=Y": ["pupils": index == 0 ? 1 : 0, "a8.sum": index == 0 ? 20 : 0],
                ])
        }
        let (content, _) = try Self.publication.publish(keyStage: .ks4, contributions: schools, earlier: [])
        func mean(_ group: String) -> Published<Double>? {
            content.means.first { $0.key == DistributionKey(family: .all, subject: "attainment8", group: PupilGroup(group)!) }?.value
        }
        #expect(mean("pp=Y") == .suppressed)
        #expect(mean("pp=N") == .suppressed || mean("all") == .suppressed)
    }

    @Test func theSameInputGivesTheSameBytes() throws {
        let schools = (0..<12).map { Self.school($0, region: $0 % 2 == 0 ? "London" : "North", art: ["all": Self.ordinary]) }
        let (a, reportA) = try Self.publication.publish(keyStage: .ks4, contributions: schools, earlier: [])
        let (b, reportB) = try Self.publication.publish(keyStage: .ks4, contributions: schools.reversed(), earlier: [])
        #expect(a.encoded() == b.encoded())
        #expect(reportA.encoded() == reportB.encoded())
        #expect(try SnapshotContent(encoded: a.encoded()) == a)
        #expect(try SuppressionReport(encoded: reportA.encoded()) == reportA)
    }

    /// A national-sized collection is merged in several runs of schools in parallel: every cell's total, school count
    /// and largest contributions are those of a plain loop over the schools, and the points sum is the schools' sum.
    @Test func mergingInRunsGivesThePlainSums() throws {
        let schools = (0..<1_100).map { index in
            Self.school(
                index, region: index % 3 == 0 ? "London" : "North",
                art: ["all": ["9": (index * 7) % 5, "5": 1 + (index * 13) % 11, "U": index % 2]])
        }
        let tables = try BenchmarkTables(keyStage: .ks4, contributions: schools, catalogue: .standard, coalition: 2)
        for family in [Family.all, Family(dimension: .region, value: "London")] {
            let members = schools.filter { family == .all || $0.school.region == "London" }
            let distribution = try #require(tables.distributions[DistributionKey(family: family, subject: "ART", group: .all)])
            for grade in ["9", "5", "U"] {
                let values = members.map { $0.aggregate.subjects["ART"]!["all"]!.counts[grade] ?? 0 }.filter { $0 > 0 }
                let cell = distribution.grades[Self.grades.firstIndex(of: grade)!]
                #expect(cell.total == values.reduce(0, +), "\(family) grade \(grade)")
                #expect(cell.schools == values.count)
                #expect(cell.largest == Array(values.sorted(by: >).prefix(3)))
            }
            let points = members.map { $0.aggregate.subjects["ART"]!["all"]!.pointsSum }.reduce(0, +)
            #expect(abs(distribution.pointsSum - points) < 1e-6)
            #expect(distribution.entries.total == members.map { $0.aggregate.subjects["ART"]!["all"]!.entries }.reduce(0, +))
        }
    }

    /// No contributing school merges into empty tables (the service refuses to publish them; Core must not fail).
    @Test func noSchoolsMergeIntoEmptyTables() throws {
        let tables = try BenchmarkTables(keyStage: .ks4, contributions: [], catalogue: .standard, coalition: 2)
        #expect(tables.distributions.isEmpty && tables.schoolCount == 0 && tables.pupilCount == 0)
    }

    /// The release guard's digest of a snapshot reads back as it was written, registry values with a tab, a newline or
    /// a backslash included, and still names the same tables.
    @Test func releaseGuardDigestRoundTrips() throws {
        let schools = (0..<12).map { Self.school($0, region: $0 % 2 == 0 ? "North\tEast\\x" : "South\nWest", art: ["all": Self.ordinary]) }
        let (content, _) = try Self.publication.publish(keyStage: .ks4, contributions: schools, earlier: [])
        let digest = ReleaseGuard.Digest(content)
        #expect(try ReleaseGuard.Digest(encoded: digest.encoded()) == digest)
        // Written straight from the content (published order, as a publication stores it): the same digest.
        #expect(try ReleaseGuard.Digest(encoded: ReleaseGuard.Digest.encoded(content)) == digest)
        #expect(digest.tables.count == content.subjects.count + content.proportions.count)
        #expect(throws: ReleaseGuard.Digest.DecodingFailure.self) { try ReleaseGuard.Digest(encoded: Array("gradebench-guard 1\npupils x\n".utf8)) }
        // A damaged count names its line; a table without counts is damaged too.
        let head = "gradebench-guard 1\npupils 10\ncontributors 100001\nall\tMATH\tall\t10\tc\t5\n"
        #expect(try ReleaseGuard.Digest(encoded: Array(head.utf8)).tables["all\tMATH\tall"] == [10, nil, 5])
        for damaged in ["all\tMATH\tpp=Y\t1x\n", "all\tMATH\tpp=Y\t\t5\n", "all\tMATH\tpp=Y\n", "all\tMATH\tpp=Y\t-5\n"] {
            let failure = #expect(throws: ReleaseGuard.Digest.DecodingFailure.self) {
                try ReleaseGuard.Digest(encoded: Array((head + damaged).utf8))
            }
            #expect(failure?.line == 5)
        }
        // Publishing the same again passes the guard against the decoded digest.
        let again = try Self.publication.publish(
            keyStage: .ks4, schools: schools.map(\.school), earlier: [(1, try ReleaseGuard.Digest(encoded: digest.encoded()))]
        ) { [schools] school in schools.first { $0.school.urn == school.urn }!.aggregate.encoded() }
        #expect(again.content == content)
    }

    /// Aggregates stored by earlier versions in the line format publish exactly as the binary form does (each school's
    /// line-format text written here from the documented format, not by the code under test).
    @Test func lineFormatAggregatesPublishTheSameSnapshot() throws {
        let schools = (0..<12).map { index in
            Self.school(
                index, region: index % 2 == 0 ? "London" : "North",
                art: ["all": Self.ordinary, "pp=Y": ["9": 1 + index % 3, "4": 6]],
                measures: ["all": ["pupils": 21, "a8.sum": 1000.5 + Double(index)]])
        }
        func lineFormat(_ aggregate: PartialAggregate) -> [UInt8] {
            var text = "gradebench-partial 1\nkey-stage \(aggregate.keyStage.rawValue)\npupils \(aggregate.pupils)\n"
            for (subject, groups) in aggregate.subjects {
                for (group, tally) in groups {
                    text += "subject \(subject) \(group) \(tally.entries) \(tally.pointsSum) \(tally.nonGrades)"
                    for (code, count) in tally.counts { text += " \(code):\(count)" }
                    text += "\n"
                }
            }
            for (group, tally) in aggregate.measures {
                text += "measure \(group)" + tally.values.map { " \($0.key):\($0.value)" }.joined() + "\n"
            }
            return Array(text.utf8)
        }
        let binary = try Self.publication.publish(keyStage: .ks4, schools: schools.map(\.school), earlier: []) { [schools] school in
            schools.first { $0.school.urn == school.urn }!.aggregate.encoded()
        }
        let stored = Dictionary(uniqueKeysWithValues: schools.map { ($0.school.urn, lineFormat($0.aggregate)) })
        let lines = try Self.publication.publish(keyStage: .ks4, schools: schools.map(\.school), earlier: []) { stored[$0.urn]! }
        #expect(lines.content.encoded() == binary.content.encoded())
        #expect(lines.report.encoded() == binary.report.encoded())
        #expect(binary.content.subjects.contains { $0.key.group == PupilGroup("pp=Y")! })
    }

    /// Snapshots stored in the first format (ranks per school) still read, their ranks regrouped per family and figure.
    @Test func firstFormatSnapshotsStillRead() throws {
        let text = """
            {"contributors":[100001,100002],"families":[],"format":1,"keyStage":"KS4","means":[],"policyHash":"h",\
            "proportions":[],"pupils":20,"ranks":{"100002":[{"family":"all","figure":"ART","rank":75}],\
            "100001":[{"family":"all","figure":"ART","rank":25},{"family":"region=North","figure":"ART","rank":50}]},\
            "schoolDistributions":[],"schools":2,"subjects":[]}
            """
        let content = try SnapshotContent(encoded: Array(text.utf8))
        #expect(content.ranks(of: URN(rawValue: 100001)!) == [
            PercentileRank(family: "all", figure: "ART", rank: 25), PercentileRank(family: "region=North", figure: "ART", rank: 50),
        ])
        #expect(content.ranks(of: URN(rawValue: 100002)!) == [PercentileRank(family: "all", figure: "ART", rank: 75)])
        #expect(try SnapshotContent(encoded: content.encoded()) == content)
    }

    /// Snapshots stored in the second format (an object per grade, rank lists' schools as positions) still read, and
    /// the same content written now (an array per figure, rank lists packed) reads back equal.
    @Test func secondFormatSnapshotsStillRead() throws {
        let text = """
            {"contributors":[100001,100002,100003],"families":[{"family":"all","schools":3}],"format":2,"keyStage":"KS4",\
            "means":[],"policyHash":"h","proportions":[],"pupils":40,\
            "ranks":[{"family":"all","figure":"ART","ranks":[25,75],"schools":[0,2]}],"schoolDistributions":[],"schools":3,\
            "subjects":[{"entries":40,"family":"all","grades":[\
            {"count":25,"cumulativePercent":62.5,"grade":"9","percent":62.5},\
            {"count":"c","cumulativePercent":"c","grade":"8","percent":"c"},\
            {"count":"c","cumulativePercent":100,"grade":"U","percent":"c"}],"group":"all","meanPoints":"c","subject":"ART"}]}
            """
        let content = try SnapshotContent(encoded: Array(text.utf8))
        let art = try #require(content.subjects.first)
        #expect(art.entries == .value(40) && art.meanPoints == .suppressed)
        #expect(art.grades.map(\.code) == ["9", "8", "U"])
        #expect(art.grades.map(\.count) == [.value(25), .suppressed, .suppressed])
        #expect(art.grades.map(\.cumulativePercent) == [.value(62.5), .suppressed, .value(100)])
        #expect(content.ranks(of: URN(rawValue: 100003)!) == [PercentileRank(family: "all", figure: "ART", rank: 75)])
        #expect(content.ranks(of: URN(rawValue: 100002)!).isEmpty)

        let written = String(decoding: content.encoded(), as: UTF8.self)
        #expect(written.contains(#""counts":[25,"c","c"],"cumulativePercent":[62.5,"c",100],"entries":40"#))
        #expect(written.contains(#""grades":["9","8","U"],"group":"all","meanPoints":"c","percent":[62.5,"c","c"]"#))
        #expect(written.contains(#""packedRanks":"GUs=","packedSchools":"AAI=""#))  // bytes 25 75; steps 0 2
        #expect(try SnapshotContent(encoded: content.encoded()) == content)
    }

    /// Rank lists stored in the third format (ranks and school steps as JSON arrays) still read.
    @Test func thirdFormatRankListsStillRead() throws {
        let text = #"{"contributors":[100001,100002,100003],"families":[],"format":3,"keyStage":"KS4","means":[],"policyHash":"h","#
            + #""proportions":[],"pupils":0,"ranks":[{"family":"all","figure":"ART","ranks":[25,75],"schoolSteps":[0,2]}],"#
            + #""schoolDistributions":[],"schools":3,"subjects":[]}"#
        let content = try SnapshotContent(encoded: Array(text.utf8))
        #expect(content.ranks(of: URN(rawValue: 100001)!) == [PercentileRank(family: "all", figure: "ART", rank: 25)])
        #expect(content.ranks(of: URN(rawValue: 100003)!) == [PercentileRank(family: "all", figure: "ART", rank: 75)])
        #expect(try SnapshotContent(encoded: content.encoded()) == content)
    }

    /// A packed rank list that is not base64, holds a rank above 100, has schools that do not ascend, a step cut short,
    /// or a rank count that does not match its schools, is refused.
    @Test(arguments: [
        #"{"family":"all","figure":"ART","packedRanks":"not base64!","packedSchools":"AAI="}"#,
        #"{"family":"all","figure":"ART","packedRanks":"ZQ==","packedSchools":"AQ=="}"#,
        #"{"family":"all","figure":"ART","packedRanks":"GUs=","packedSchools":"AQA="}"#,
        #"{"family":"all","figure":"ART","packedRanks":"GQ==","packedSchools":"gA=="}"#,
        #"{"family":"all","figure":"ART","packedRanks":"GQ==","packedSchools":"AQE="}"#,
    ])
    func damagedPackedRankListsAreRefused(_ list: String) {
        let text = #"{"contributors":[1,2,3],"families":[],"format":4,"keyStage":"KS4","means":[],"policyHash":"h","proportions":[],"#
            + #""pupils":0,"ranks":["# + list + #"],"schoolDistributions":[],"schools":3,"subjects":[]}"#
        #expect(throws: DecodingError.self) { try SnapshotContent(encoded: Array(text.utf8)) }
    }

    /// A stored rank list whose schools do not ascend or whose ranks do not match them, or a distribution whose figures
    /// do not match its grades, is refused.
    @Test(arguments: [
        #""ranks":[{"family":"all","figure":"ART","ranks":[25,75],"schoolSteps":[1,0]}],"subjects":[]"#,
        #""ranks":[{"family":"all","figure":"ART","ranks":[25],"schoolSteps":[1,1]}],"subjects":[]"#,
        #""ranks":[],"subjects":[{"counts":[1],"cumulativePercent":[100,100],"entries":1,"family":"all","grades":["9"],"#
            + #""group":"all","percent":[100],"subject":"ART"}]"#,
    ])
    func damagedThirdFormatIsRefused(_ part: String) {
        let text = #"{"contributors":[1,2],"families":[],"format":3,"keyStage":"KS4","means":[],"policyHash":"h","proportions":[],"#
            + #""pupils":0,"schoolDistributions":[],"schools":2,"# + part + "}"
        #expect(throws: DecodingError.self) { try SnapshotContent(encoded: Array(text.utf8)) }
    }
}
