import Testing

@testable import GradeBenchCore

/// Headline measures against examples worked by hand (the working is in each comment).
@Suite("Headline measures")
struct MeasureTests {
    let catalogue = SubjectCatalogue.standard

    func results(_ pairs: [(String, String)]) throws -> [(Subject, GradeResult)] {
        try pairs.map { try catalogue.result(subject: $0.0, grade: $0.1) }
    }

    @Test func attainment8WithBothEnglishAndCombinedScience() throws {
        // Maths 6 ×2 = 12. English: both taken, higher (lit 7) ×2 = 14, language 5 goes to the open pool.
        // EBacc pool: combined science 5-4 = 4.5 twice, history 6, French 3 → best three 6 + 4.5 + 4.5 = 15; French 3 to open.
        // Open pool: language 5, art 8, RS 4, BTEC sport L2M 5.5, French 3 → best three 8 + 5.5 + 5 = 18.5.
        // A8 = 12 + 14 + 15 + 18.5 = 59.5
        let m = KS4PupilMeasures(
            results: try results([
                ("MATH", "6"), ("ENGLANG", "5"), ("ENGLIT", "7"), ("COMBSCI", "5-4"), ("HIST", "6"), ("FREN", "3"), ("ART", "8"),
                ("RS", "4"), ("BTEC-SPORT", "L2M"),
            ])
        )
        #expect(m.attainment8 == 59.5)
        #expect(m.englishMaths4 && m.englishMaths5)
    }

    @Test func attainment8WithOnlyEnglishLanguage() throws {
        // Maths 4 ×2 = 8. English language alone counts once: 3. EBacc: geography 7, physics 6, biology 5 = 18;
        // chemistry 4 to open. Open: chemistry 4, D&T 2, empty 0 = 6. A8 = 8 + 3 + 18 + 6 = 35.
        let m = KS4PupilMeasures(
            results: try results([("MATH", "4"), ("ENGLANG", "3"), ("BIO", "5"), ("CHEM", "4"), ("PHYS", "6"), ("GEOG", "7"), ("DT", "2")])
        )
        #expect(m.attainment8 == 35)
        #expect(!m.englishMaths4 && !m.englishMaths5)
    }

    @Test func absentLiteratureIsNotAnAttempt() throws {
        // Literature X is not an attempt, so language counts once: 10 + 5 + 0 (EBacc empty) + 9 (art) = 24.
        let m = KS4PupilMeasures(results: try results([("MATH", "5"), ("ENGLANG", "5"), ("ENGLIT", "X"), ("ART", "9")]))
        #expect(m.attainment8 == 24)
        #expect(m.englishMaths5)
    }

    @Test func gradeUIsAnAttempt() throws {
        // Both English attempted (literature U): higher 4 ×2 = 8, U (0) to open. Maths U = 0. A8 = 8.
        let m = KS4PupilMeasures(results: try results([("MATH", "U"), ("ENGLANG", "4"), ("ENGLIT", "U")]))
        #expect(m.attainment8 == 8)
        #expect(!m.englishMaths4)
    }

    @Test func emptySlotsScoreZero() throws {
        #expect(KS4PupilMeasures(results: []).attainment8 == 0)
        #expect(KS4PupilMeasures(results: try results([("ART", "9")])).attainment8 == 9)
    }

    @Test func ebaccSubjectsBeyondThreeFillOpenSlots() throws {
        // EBacc: 9, 8, 7 (bio, chem, phys); history 6 and geography 5 go to open with drama 4 → 15.
        // Maths 0 (not taken), English 0. A8 = 24 + 15 = 39.
        let m = KS4PupilMeasures(
            results: try results([("BIO", "9"), ("CHEM", "8"), ("PHYS", "7"), ("HIST", "6"), ("GEOG", "5"), ("DRAMA", "4")])
        )
        #expect(m.attainment8 == 39)
    }

    @Test(arguments: [
        // reading, maths, writing → expected, higher
        ("105", "99", "EXS", false, false),
        ("100", "100", "EXS", true, false),
        ("100", "100", "WTS", false, false),
        ("112", "110", "GDS", true, true),
        ("112", "110", "EXS", true, false),
        ("ABS", "115", "GDS", false, false),
    ])
    func ks2ReadingWritingMaths(reading: String, maths: String, writing: String, expected: Bool, higher: Bool) throws {
        let m = KS2PupilMeasures(results: try results([("KS2-READ", reading), ("KS2-MATH", maths), ("KS2-WRIT", writing)]))
        #expect(m.expectedRWM == expected)
        #expect(m.higherRWM == higher)
    }

    @Test func aLevelPointsPerEntry() throws {
        // A* 60 + B 40 + D 20 = 120 over 3 entries (the X is not an entry): APS 40.
        let m = KS5PupilMeasures(results: try results([("AL-MATH", "A*"), ("AL-BIO", "B"), ("AL-CHEM", "D"), ("AL-PHYS", "X")]))
        #expect(m.aLevelPoints == 120 && m.aLevelEntries == 3)
    }
}

@Suite("Partial aggregates")
struct PartialAggregateTests {
    static let key = PseudonymKey(bytes: Array(repeating: 4, count: 32))!

    func aggregate(_ text: String) throws -> PartialAggregate {
        PartialAggregate(try SubmissionValidator(keyStage: .ks4).validate(Array(text.utf8)))
    }

    @Test func countsAndMeasuresByGroup() throws {
        let a = Self.key.pseudonym(for: "a")
        let b = Self.key.pseudonym(for: "b")
        let partial = try aggregate(
            "pupil,subject,grade,pp\n\(a),MATH,7,Y\n\(a),ENGLANG,5,Y\n\(b),MATH,4,N\n\(b),ENGLIT,X,N\n"
        )
        #expect(partial.pupils == 2)
        #expect(partial.subjects["MATH"]?["all"]?.counts == ["7": 1, "4": 1])
        #expect(partial.subjects["MATH"]?["all"]?.pointsSum == 11)
        #expect(partial.subjects["MATH"]?["pp=Y"]?.entries == 1)
        #expect(partial.subjects["ENGLIT"]?["all"]?.nonGrades == 1 && partial.subjects["ENGLIT"]?["all"]?.entries == 0)
        // A8: pupil a = 2×7 + 5 = 19; pupil b = 2×4 + 0 (literature X is no attempt) = 8.
        #expect(partial.measures["all"]?["a8.sum"] == 27)
        #expect(partial.measures["pp=Y"]?["a8.sum"] == 19)
        #expect(partial.measures["all"]?["em4"] == 1)
        #expect(partial.measures["all"]?["pupils"] == 2)
    }

    /// The ingestion path writes the stored form straight from counters: it must be byte for byte what the keyed
    /// form encodes, and hold every row (counted here from the generated files) under "all".
    @Test(arguments: KeyStage.allCases.filter { $0 != .eyfs })
    func directEncodingEqualsTheKeyedForm(stage: KeyStage) throws {
        let generator = FixtureGenerator(schools: 6, seed: 99)
        let collection = try #require(generator.collections.first { $0.keyStage == stage })
        for school in generator.schools(in: collection) {
            let text = generator.submission(for: school, in: collection)
            let validated = try SubmissionValidator(keyStage: stage).validate(Array(text.utf8))
            let direct = PartialAggregate.encoded(from: validated)
            let keyed = PartialAggregate(validated)
            #expect(direct == keyed.encoded())
            let rows = text.split(separator: "\n").count - 1
            let stored = keyed.subjects.values.reduce(0) { $0 + ($1["all"].map { $0.entries + $0.nonGrades } ?? 0) }
            #expect(stored == rows)
        }
    }

    /// The stored form's bytes, written here from the documented layout: version 3 stores a whole or quarter number
    /// of points as a tagged varint and any other number as a tag and 8 bytes; version 2 (stored before 2026-12-02)
    /// stored every number as 8 bytes and still reads.
    @Test func storedFormBytesFollowTheDocumentedLayout() throws {
        func text(_ value: String) -> [UInt8] { [UInt8(value.utf8.count)] + Array(value.utf8) }
        func raw(_ value: Double) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt64($0))) } }
        var tally = GradeTally()
        tally.counts = ["7": 2]
        tally.entries = 2
        tally.pointsSum = 14
        var aggregate = PartialAggregate(keyStage: .ks4)
        aggregate.pupils = 2
        aggregate.subjects["MATH"] = ["all": tally]
        var measures = MeasureTally()
        measures.values = ["a8.sum": 30.25, "ratio": 0.1]
        aggregate.measures["all"] = measures
        // Header; MATH with one grade code and one line (group 0, entries 2, 14 points = 56 quarters → 112, no
        // non-grades, count 2); one measure line (group 0, two figures).
        let header = [0x47, 0x42, 0x50] + [UInt8]([3]) + text("KS4") + [2, 1] + text("all") + [1] + text("MATH") + [1] + text("7") + [1]
        let third = header + [0, 2, 112, 0, 2] + [1, 0, 2] + text("a8.sum") + [242, 1] + text("ratio") + [1] + raw(0.1)
        #expect(aggregate.encoded() == third)
        let second = [0x47, 0x42, 0x50, 2] + header.dropFirst(4) + [0, 2] + raw(14) + [0, 2] + [1, 0, 2] + text("a8.sum") + raw(30.25)
            + text("ratio") + raw(0.1)
        #expect(try PartialAggregate(encoded: second) == aggregate)
        #expect(try PartialAggregate(encoded: third) == aggregate)
        #expect(try PartialAggregate.pupils(encoded: second) == 2)
        // A tag that is neither even nor 1 is refused.
        var damaged = third
        damaged[header.count + 2] = 3
        #expect(throws: PartialAggregate.DecodingFailure.self) { try PartialAggregate(encoded: damaged) }
    }

    @Test func encodingRoundTripsAndMergesByAddition() throws {
        let one = try aggregate("pupil,subject,grade,send\n\(Self.key.pseudonym(for: "x")),COMBSCI,5-4,K\n")
        let two = try aggregate("pupil,subject,grade,send\n\(Self.key.pseudonym(for: "y")),COMBSCI,5-4,N\n")
        #expect(try PartialAggregate(encoded: one.encoded()) == one)
        var merged = one
        merged.merge(two)
        #expect(merged.subjects["COMBSCI"]?["all"]?.counts == ["5-4": 2])
        #expect(merged.subjects["COMBSCI"]?["all"]?.pointsSum == 9)
        #expect(merged.measures["all"]?["a8.sum"] == 18)  // combined science fills two EBacc slots of 4.5 each
        #expect(merged.pupils == 2)
        #expect(throws: PartialAggregate.DecodingFailure.self) { try PartialAggregate(encoded: Array("nonsense".utf8)) }
    }

    /// The stored form is binary; a cut-short or overlong one is refused (never half-read), and so is one naming a
    /// pupil group its header does not list.
    @Test func damagedStoredFormsAreRefused() throws {
        let stored = try aggregate("pupil,subject,grade,pp\n\(Self.key.pseudonym(for: "x")),MATH,7,Y\n").encoded()
        #expect(try PartialAggregate(encoded: stored).subjects["MATH"]?["pp=Y"]?.counts == ["7": 1])
        #expect(try PartialAggregate.pupils(encoded: stored) == 1)
        for damaged in [Array(stored.dropLast()), stored + [0], Array(stored.prefix(5))] {
            #expect(throws: PartialAggregate.DecodingFailure.self) { try PartialAggregate(encoded: damaged) }
        }
        // After MATH's one grade code ("7": its length 1, then the byte) come the line count and the first line's
        // group number, which must be one of the header's (numbered 0…).
        var wrongGroup = stored
        let firstLine = try #require(wrongGroup.indices.first { index in
            index + 2 <= wrongGroup.count && wrongGroup[index] == 1 && wrongGroup[index + 1] == UInt8(ascii: "7")
        }) + 3
        wrongGroup[firstLine] = 99
        #expect(throws: PartialAggregate.DecodingFailure.self) { try PartialAggregate(encoded: wrongGroup) }
    }
}
