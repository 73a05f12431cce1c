import Testing

@testable import GradeBenchCore

@Suite("Submission validation")
struct SubmissionValidatorTests {
    static let key = PseudonymKey(bytes: Array(repeating: 9, count: 32))!
    static let p1 = key.pseudonym(for: "one")
    static let p2 = key.pseudonym(for: "two")
    let validator = SubmissionValidator(keyStage: .ks4)

    func validate(_ text: String) throws(SubmissionRejection) -> ValidatedSubmission {
        try validator.validate(Array(text.utf8))
    }

    @Test func acceptsAValidFileWithExcelHabits() throws {
        let text =
            "\u{FEFF}pupil,subject,grade,pp\r\n\(Self.p1),MATH,7,Y\r\n\"\(Self.p1)\",\"ENGLANG\",\"5\",Y\r\n\(Self.p2),math,x,n\r\n\r\n"
        let result = try validate(text)
        #expect(result.rows.count == 3 && result.pupilCount == 2 && result.subjectCount == 2)
        #expect(result.rows[2].result == .nonGrade(.noResult))
        #expect(result.rows[2].characteristics.pp == "N")
    }

    /// (name, file, kind, row, column, message prefix)
    static let bad: [(String, String, SubmissionRejection.Kind, Int?, String?, String)] = [
        (
            "identifier header", "pupil,subject,grade,Surname\n\(p1),MATH,7,Smith\n", .identifiersPresent, 1, "surname",
            "names a direct identifier"
        ),
        (
            "date of birth header", "pupil,subject,grade,Date of Birth\n\(p1),MATH,7,2010-01-01\n", .identifiersPresent, 1, "date of birth",
            "names a direct identifier"
        ),
        ("UPN in a cell", "pupil,subject,grade\nH820200100001,MATH,7\n", .identifiersPresent, 2, "pupil", "holds a UPN"),
        (
            "unknown column", "pupil,subject,grade,tutor\n\(p1),MATH,7,7B\n", .invalid, 1, "tutor",
            "is not a column of the submission format"
        ),
        ("missing grade column", "pupil,subject\n\(p1),MATH\n", .invalid, 1, "grade", "is required but missing"),
        (
            "unknown subject", "pupil,subject,grade\n\(p1),ASTROLOGY,7\n", .invalid, 2, "subject",
            "Subject 'ASTROLOGY' is not in the subject catalogue"
        ),
        (
            "grade off scale", "pupil,subject,grade\n\(p1),MATH,A*\n", .invalid, 2, "grade",
            "Grade 'A*' is not on the GCSE 9–1 scale of subject MATH"
        ),
        ("wrong key stage", "pupil,subject,grade\n\(p1),AL-MATH,A\n", .invalid, 2, "subject", "subject AL-MATH is a KS5 subject"),
        (
            "repeated pupil × subject", "pupil,subject,grade\n\(p1),MATH,7\n\(p1),MATH,6\n", .invalid, 3, "subject",
            "repeats the pupil and subject of row 2"
        ),
        (
            "characteristics disagree", "pupil,subject,grade,pp\n\(p1),MATH,7,Y\n\(p1),ART,6,N\n", .invalid, 3, "pp",
            "disagrees with the same pupil's row 2"
        ),
        ("bad characteristic", "pupil,subject,grade,send\n\(p1),MATH,7,Q\n", .invalid, 2, "send", "must be one of N, K, E"),
        ("not a pseudonym", "pupil,subject,grade\nalice,MATH,7\n", .invalid, 2, "pupil", "must be a 26-character pseudonym"),
        ("bad quoting", "pupil,subject,grade\n\(p1),\"MATH,7\n", .invalid, 2, nil, "a quoted field is not closed"),
        ("wrong field count", "pupil,subject,grade\n\(p1),MATH\n", .invalid, 2, nil, "has 2 fields; the header has 3"),
        ("no rows", "pupil,subject,grade\n", .invalid, nil, nil, "the file has a header but no rows"),
    ]

    @Test(arguments: 0..<bad.count)
    func rejects(index: Int) {
        let (name, text, kind, row, column, message) = Self.bad[index]
        let error = #expect(throws: SubmissionRejection.self, "\(name)") { try validate(text) }
        #expect(error?.kind == kind, "\(name)")
        #expect(error?.problems.first?.row == row, "\(name)")
        #expect(error?.problems.first?.column == column, "\(name)")
        #expect(error?.problems.first?.message.hasPrefix(message) == true, "\(name): \(error?.problems.first?.message ?? "")")
    }

    @Test func identifierValuesAreNeverEchoed() {
        let error = #expect(throws: SubmissionRejection.self) {
            try validate("pupil,subject,grade,pp\n\(Self.p1),MATH,7,H820200100001\n")
        }
        #expect(error?.problems == [SubmissionProblem(row: 2, column: "pp", message: "holds a UPN")])
        #expect(error?.message.contains("H820200100001") == false)
        // A name typed into the grade column is not repeated either.
        let named = #expect(throws: SubmissionRejection.self) { try validate("pupil,subject,grade\n\(Self.p1),MATH,Smith\n") }
        #expect(named?.message.contains("Smith") == false)
    }

    @Test func nonUTF8IsRejectedWithItsRow() {
        let bytes = Array("pupil,subject,grade\n\(Self.p1),MATH,".utf8) + [0xFF, 0x0A]
        let error = #expect(throws: SubmissionRejection.self) { try validator.validate(bytes) }
        #expect(error?.problems.first == SubmissionProblem(row: 2, column: nil, message: "a field is not valid UTF-8 text"))
    }

    @Test func problemListIsCappedButCounted() {
        var text = "pupil,subject,grade\n"
        for index in 0..<250 { text += "\(Self.key.pseudonym(for: "p\(index)")),MATH,12\n" }
        let error = #expect(throws: SubmissionRejection.self) { try validate(text) }
        #expect(error?.problems.count == SubmissionRejection.limit)
        #expect(error?.total == 250)
    }
}

@Suite("Export pseudonymisation")
struct ExportPseudonymiserTests {
    static let key = PseudonymKey(bytes: Array(0..<32))!
    let upns = ["H820200100001", "X820200100002", "L820200100003"]

    @Test func longExport() throws {
        let export = """
            UPN,Forename,Surname,DOB,Subject,Grade,PP,Gender,Tutor Group
            \(upns[0]),Ada,Lovelace,2010-12-10,Mathematics,9,No,Female,11A
            \(upns[0]),Ada,Lovelace,2010-12-10,ENGLANG,8,No,Female,11A
            \(upns[1]),Alan,Turing,2010-06-23,MATH,6,Yes,Male,11B

            """
        let result = try ExportPseudonymiser(key: Self.key).run(Array(export.utf8))
        #expect(result.layout == .long && result.rows == 3 && result.pupils == 2)
        #expect(result.droppedColumns == ["Forename", "Surname", "DOB", "Tutor Group"])
        let p0 = Self.key.pseudonym(for: upns[0])
        #expect(
            result.submission
                == "pupil,subject,grade,pp,gender\n\(p0),MATH,9,N,F\n\(p0),ENGLANG,8,N,F\n\(Self.key.pseudonym(for: upns[1])),MATH,6,Y,M\n")
        for identifier in upns + ["Ada", "Lovelace", "Turing", "2010-12-10", "11A"] { #expect(!result.submission.contains(identifier)) }
        #expect(result.links.map(\.upn) == [upns[0], upns[1]])
        // And the submission it writes passes the server's validation.
        _ = try SubmissionValidator(keyStage: .ks4).validate(Array(result.submission.utf8))
    }

    @Test func wideExportWithHeaderMapping() throws {
        let export = """
            Pupil Ref,Legal Surname,Maths,English language,Art and design,Disadvantaged
            \(upns[0]),Lovelace,7,6,,Y
            \(upns[2]),Hopper,5,,4,N
            """
        let result = try ExportPseudonymiser(key: Self.key, headerMap: ["pupil ref": "upn"]).run(Array(export.utf8))
        #expect(result.layout == .wide && result.rows == 4 && result.pupils == 2)
        let lines = result.submission.split(separator: "\n")
        #expect(lines[0] == "pupil,subject,grade,pp")
        #expect(lines[1] == "\(Self.key.pseudonym(for: upns[0])),MATH,7,Y")
        #expect(lines.count == 5)
        #expect(!result.submission.contains("Lovelace") && !result.submission.contains(upns[2]))
    }

    @Test func wrongCheckLettersStopTheRunNamingTheRows() {
        let export = "UPN,Subject,Grade\n\(upns[0]),MATH,7\nA820200100001,MATH,6\n\(upns[1]),MATH,5\nB820200100002,ART,4\n"
        let error = #expect(throws: ExportPseudonymiser.Failure.self) { try ExportPseudonymiser(key: Self.key).run(Array(export.utf8)) }
        #expect(error?.total == 2)
        #expect(error?.problems.map(\.row) == [3, 5])
        #expect(error?.problems.first?.message == "the UPN's check letter is wrong")
        #expect(error?.message.contains("A820200100001") == false)
    }

    @Test func missingUPNColumnIsExplained() {
        let error = #expect(throws: ExportPseudonymiser.Failure.self) {
            try ExportPseudonymiser(key: Self.key).run(Array("Candidate,Subject,Grade\nx,MATH,7\n".utf8))
        }
        #expect(error?.problems.first?.message.contains("--map") == true)
    }
}
