import Foundation

/// A submission that passed the identifier guard and every validation rule, in a compact form: pupils once each,
/// results as small integers (catalogue position, result code on the subject's scale).
public struct ValidatedSubmission: Sendable {
    public struct Pupil: Sendable, Hashable {
        /// The school's pseudonym for the pupil.
        public let pseudonym: String
        /// Spreadsheet row of the pupil's first row.
        public let line: Int
        /// `PupilCharacteristics` packed (see `PupilCharacteristics(packed:)`).
        public let packedCharacteristics: UInt16

        public var characteristics: PupilCharacteristics { PupilCharacteristics(packed: packedCharacteristics) }
    }

    public struct Result: Sendable, Hashable {
        let storedLine: Int32
        let storedPupil: Int32
        let storedSubject: UInt16
        /// The result on the subject's scale (`GradeScale.resultCode(_:)`).
        public let code: UInt8

        /// Spreadsheet row (header = 1).
        public var line: Int { Int(storedLine) }
        /// Position in `pupils`.
        public var pupil: Int { Int(storedPupil) }
        /// Position in the catalogue's `subjects`.
        public var subject: Int { Int(storedSubject) }
    }

    public let keyStage: KeyStage
    public let catalogue: SubjectCatalogue
    /// Pupils in order of first appearance.
    public let pupils: [Pupil]
    /// Results in file order.
    public let results: [Result]
    public let subjectCount: Int
    /// `results` positions grouped by pupil: pupil `p`'s are `byPupil[pupilStarts[p]..<pupilStarts[p + 1]]`, in file order.
    private let pupilStarts: [Int]
    private let byPupil: [Int]

    init(keyStage: KeyStage, catalogue: SubjectCatalogue, pupils: [Pupil], results: [Result], subjectCount: Int) {
        self.keyStage = keyStage
        self.catalogue = catalogue
        self.pupils = pupils
        self.results = results
        self.subjectCount = subjectCount
        var starts = [Int](repeating: 0, count: pupils.count + 1)
        for result in results { starts[result.pupil + 1] += 1 }
        for pupil in pupils.indices { starts[pupil + 1] += starts[pupil] }
        var next = starts
        var order = [Int](repeating: 0, count: results.count)
        for (position, result) in results.enumerated() {
            order[next[result.pupil]] = position
            next[result.pupil] += 1
        }
        pupilStarts = starts
        byPupil = order
    }

    public var pupilCount: Int { pupils.count }

    /// One pupil's results, in file order.
    public func results(ofPupil pupil: Int) -> LazyMapCollection<ArraySlice<Int>, Result> {
        byPupil[pupilStarts[pupil]..<pupilStarts[pupil + 1]].lazy.map { results[$0] }
    }

    /// One pupil's results in the stored form, `SUBJECT=GRADE;…` in file order (catalogue codes, which hold neither
    /// `=` nor `;`).
    public func packedResults(ofPupil pupil: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * (pupilStarts[pupil + 1] - pupilStarts[pupil]))
        for result in results(ofPupil: pupil) {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: ";")) }
            bytes.append(contentsOf: subject(of: result).code.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: gradeResult(of: result).code.utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func subject(of result: Result) -> Subject { catalogue.subjects[result.subject] }

    public func gradeResult(of result: Result) -> GradeResult { subject(of: result).scale.result(code: result.code) }

    /// Every result with its pupil spelled out, in file order (for tools and tests; the pipeline uses the compact form).
    public var rows: [SubmissionRow] {
        results.map { result in
            let pupil = pupils[result.pupil]
            return SubmissionRow(
                line: result.line, pupil: pupil.pseudonym, pupilIndex: result.pupil, subject: subject(of: result),
                result: gradeResult(of: result), characteristics: pupil.characteristics
            )
        }
    }
}

/// One accepted row of a submission, spelled out.
public struct SubmissionRow: Sendable, Hashable {
    /// Spreadsheet row number (header = 1).
    public let line: Int
    /// The school's pseudonym for the pupil.
    public let pupil: String
    /// The pupil's position among the submission's pupils (in order of first appearance).
    public let pupilIndex: Int
    public let subject: Subject
    public let result: GradeResult
    public let characteristics: PupilCharacteristics
}

/// Checks a pseudonymised submission CSV (DESIGN.md format) for one collection: structure, the identifier guard,
/// then every row. All or nothing: any problem rejects the whole file.
public struct SubmissionValidator: Sendable {
    public let catalogue: SubjectCatalogue
    public let keyStage: KeyStage

    public static let requiredColumns = ["pupil", "subject", "grade"]
    public static var acceptedColumns: [String] { requiredColumns + PupilCharacteristics.columns.map(\.name) }

    /// Header names (lower-cased, with spaces, `_` and `-` removed) that are direct identifiers.
    public static let identifierHeaders: Set<String> = [
        "name", "names", "forename", "forenames", "firstname", "surname", "lastname", "familyname", "legalsurname",
        "legalforename", "preferredforename", "preferredsurname", "middlename", "middlenames", "fullname", "pupilname",
        "studentname", "dob", "dateofbirth", "birthdate", "birthday", "upn", "formerupn", "uln", "uci", "candidatenumber",
        "candidateno", "admissionnumber", "admissionno", "adno", "address", "address1", "address2", "street", "town",
        "postcode", "zip", "email", "emailaddress", "phone", "telephone", "mobile", "nhsnumber", "ninumber", "nino",
    ]

    public init(catalogue: SubjectCatalogue = .standard, keyStage: KeyStage) {
        self.catalogue = catalogue
        self.keyStage = keyStage
    }

    /// One pass over the file: the identifier guard on every cell, and (when the header is sound) every row rule.
    /// Identifier problems are reported before any other; a CSV that cannot be read is reported alone.
    public func validate(_ bytes: [UInt8]) throws(SubmissionRejection) -> ValidatedSubmission {
        var header: [String]? = nil
        var identifiers = ProblemList()
        var headerProblems = ProblemList()
        var rows: RowChecker? = nil
        do {
            try CSVReader(bytes: bytes).forEachRecord { record in
                guard let names = header else {
                    let names = record.strings.map { $0.trimmedBlanks.lowercased() }
                    header = names
                    for name in names where Self.identifierHeaders.contains(Self.normalised(name)) {
                        identifiers.add(
                            row: 1, column: name, "names a direct identifier; remove the column (pseudonymise the export first)")
                    }
                    if let columns = checkHeader(names, problems: &headerProblems) {
                        rows = RowChecker(catalogue: catalogue, keyStage: keyStage, header: names, columns: columns)
                    }
                    return
                }
                guardIdentifiers(record, header: names, problems: &identifiers)
                rows?.check(record)
            }
        } catch {
            throw SubmissionRejection(
                kind: .invalid, problems: [SubmissionProblem(row: error.line, column: nil, message: error.problem)], total: 1)
        }
        guard header != nil else {
            throw SubmissionRejection(
                kind: .invalid,
                problems: [SubmissionProblem(row: nil, column: nil, message: "the file is empty: a header row is required")],
                total: 1
            )
        }
        try identifiers.throwIfAny(.identifiersPresent)
        try headerProblems.throwIfAny(.invalid)
        guard var rows else { preconditionFailure("a sound header has a row checker") }
        return try rows.finish()
    }

    // MARK: identifier guard

    /// A cell that is a valid UPN (13 characters once blanks are trimmed) is an identifier; its value is never echoed.
    private func guardIdentifiers(_ record: CSVRecord, header: [String], problems: inout ProblemList) {
        record.withFields { fields in
            for index in 0..<fields.count {
                let cell = fields[index].trimmedBlanks
                guard cell.count == 13, UPN.isValid(String(decoding: cell.asciiUppercased, as: UTF8.self)) else { continue }
                problems.add(row: record.line, column: index < header.count ? header[index] : "column \(index + 1)", "holds a UPN")
            }
        }
    }

    static func normalised(_ header: String) -> String {
        String(header.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" })
    }

    // MARK: header

    struct Columns {
        let pupil: Int
        let subject: Int
        let grade: Int
        /// (field, position in `PupilCharacteristics.columns`)
        let characteristics: [(field: Int, position: Int)]
    }

    private func checkHeader(_ header: [String], problems: inout ProblemList) -> Columns? {
        let before = problems.total
        var seen = Set<String>()
        for name in header {
            if !Self.acceptedColumns.contains(name) {
                problems.add(
                    row: 1, column: name.isEmpty ? "(blank)" : String(name.prefix(40)),
                    "is not a column of the submission format (accepted: \(Self.acceptedColumns.joined(separator: ", ")))"
                )
            } else if !seen.insert(name).inserted {
                problems.add(row: 1, column: name, "appears twice in the header")
            }
        }
        for name in Self.requiredColumns where !header.contains(name) {
            problems.add(row: 1, column: name, "is required but missing from the header")
        }
        guard problems.total == before else { return nil }
        return Columns(
            pupil: header.firstIndex(of: "pupil")!, subject: header.firstIndex(of: "subject")!, grade: header.firstIndex(of: "grade")!,
            characteristics: PupilCharacteristics.columns.enumerated().compactMap { position, column in
                header.firstIndex(of: column.name).map { ($0, position) }
            }
        )
    }
}

/// Collects problems up to the reporting limit while counting them all.
struct ProblemList {
    private(set) var problems: [SubmissionProblem] = []
    private(set) var total = 0

    mutating func add(row: Int?, column: String?, _ message: String) {
        total += 1
        if problems.count < SubmissionRejection.limit { problems.append(SubmissionProblem(row: row, column: column, message: message)) }
    }

    func throwIfAny(_ kind: SubmissionRejection.Kind) throws(SubmissionRejection) {
        if total > 0 { throw SubmissionRejection(kind: kind, problems: problems, total: total) }
    }
}
