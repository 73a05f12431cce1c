import Foundation

/// One accepted row of a submission.
public struct SubmissionRow: Sendable, Hashable {
    /// Spreadsheet row number (header = 1).
    public let line: Int
    /// The school's pseudonym for the pupil.
    public let pupil: String
    /// The pupil's position among the submission's pupils (0, 1, …, in order of first appearance): lets later
    /// stages group a pupil's rows without hashing pseudonyms again.
    public let pupilIndex: Int
    public let subject: Subject
    public let result: GradeResult
    public let characteristics: PupilCharacteristics
}

/// A submission that passed the identifier guard and every validation rule.
public struct ValidatedSubmission: Sendable {
    public let rows: [SubmissionRow]
    public let pupilCount: Int
    public let subjectCount: Int
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

    public func validate(_ bytes: [UInt8]) throws(SubmissionRejection) -> ValidatedSubmission {
        let rows: [CSVReader.Row]
        do { rows = try CSVReader(bytes: bytes).rows() } catch {
            throw SubmissionRejection(
                kind: .invalid, problems: [SubmissionProblem(row: error.line, column: nil, message: error.problem)], total: 1)
        }
        guard let headerRow = rows.first else {
            throw SubmissionRejection(
                kind: .invalid,
                problems: [SubmissionProblem(row: nil, column: nil, message: "the file is empty: a header row is required")],
                total: 1
            )
        }
        let header = headerRow.fields.map { $0.trimmedBlanks.lowercased() }
        try guardIdentifiers(header: header, rows: rows.dropFirst())
        let columns = try checkHeader(header)
        return try checkRows(rows.dropFirst(), header: header, columns: columns)
    }

    // MARK: identifier guard

    private func guardIdentifiers(header: [String], rows: ArraySlice<CSVReader.Row>) throws(SubmissionRejection) {
        var problems = ProblemList()
        for name in header where Self.identifierHeaders.contains(Self.normalised(name)) {
            problems.add(row: 1, column: name, "names a direct identifier; remove the column (pseudonymise the export first)")
        }
        for row in rows {
            for (index, cell) in row.fields.enumerated() where cell.utf8.count >= 13 && UPN.isValid(cell.trimmedBlanks.asciiUppercased) {
                problems.add(row: row.line, column: index < header.count ? header[index] : "column \(index + 1)", "holds a UPN")
            }
        }
        try problems.throwIfAny(.identifiersPresent)
    }

    static func normalised(_ header: String) -> String {
        String(header.lowercased().filter { $0 != " " && $0 != "_" && $0 != "-" })
    }

    // MARK: header

    private struct Columns {
        let pupil: Int
        let subject: Int
        let grade: Int
        let characteristics: [(index: Int, column: PupilCharacteristics.Column)]
    }

    private func checkHeader(_ header: [String]) throws(SubmissionRejection) -> Columns {
        var problems = ProblemList()
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
        try problems.throwIfAny(.invalid)
        return Columns(
            pupil: header.firstIndex(of: "pupil")!, subject: header.firstIndex(of: "subject")!, grade: header.firstIndex(of: "grade")!,
            characteristics: PupilCharacteristics.columns.compactMap { column in
                header.firstIndex(of: column.name).map { ($0, column) }
            }
        )
    }

    // MARK: rows

    private func checkRows(
        _ rows: ArraySlice<CSVReader.Row>, header: [String], columns: Columns
    ) throws(SubmissionRejection) -> ValidatedSubmission {
        var problems = ProblemList()
        var accepted: [SubmissionRow] = []
        accepted.reserveCapacity(rows.count)
        var firstRowOf: [String: (index: Int, line: Int, characteristics: PupilCharacteristics)] = [:]
        var subjectOrdinal: [String: Int] = [:]
        var pupilSubjectLine: [Int: Int] = [:]
        if rows.isEmpty { problems.add(row: nil, column: nil, "the file has a header but no rows") }

        for row in rows {
            let fields = row.fields
            guard fields.count == header.count else {
                problems.add(row: row.line, column: nil, "has \(fields.count) fields; the header has \(header.count)")
                continue
            }
            var rowOK = true
            let pupil = fields[columns.pupil].trimmedBlanks
            if !Pseudonym.isWellFormed(pupil) {
                problems.add(row: row.line, column: "pupil", "must be a 26-character pseudonym from 'gradebench pseudonymise'")
                rowOK = false
            }
            var subject: Subject? = nil
            var result: GradeResult? = nil
            do {
                let parsed = try catalogue.result(subject: fields[columns.subject], grade: fields[columns.grade])
                if parsed.0.keyStage != keyStage {
                    problems.add(
                        row: row.line, column: "subject",
                        "subject \(parsed.0.code) is a \(parsed.0.keyStage.rawValue) subject; this collection is \(keyStage.rawValue)"
                    )
                    rowOK = false
                } else {
                    (subject, result) = parsed
                }
            } catch {
                if case .unknownSubject = error {
                    problems.add(row: row.line, column: "subject", error.message)
                } else {
                    problems.add(row: row.line, column: "grade", error.message)
                }
                rowOK = false
            }
            var characteristics = PupilCharacteristics()
            for (index, column) in columns.characteristics {
                let raw = fields[index]
                let value = column.values.contains(raw) ? raw : raw.trimmedBlanks.asciiUppercased
                if column.values.contains(value) {
                    characteristics[keyPath: column.keyPath] = value
                } else {
                    problems.add(row: row.line, column: header[index], "must be one of \(column.values.joined(separator: ", "))")
                    rowOK = false
                }
            }
            guard rowOK, let subject, let result else { continue }
            let pupilIndex: Int
            if let first = firstRowOf[pupil] {
                if first.characteristics != characteristics {
                    let differing = PupilCharacteristics.columns.first {
                        first.characteristics[keyPath: $0.keyPath] != characteristics[keyPath: $0.keyPath]
                    }!.name
                    problems.add(row: row.line, column: differing, "disagrees with the same pupil's row \(first.line)")
                    continue
                }
                pupilIndex = first.index
            } else {
                pupilIndex = firstRowOf.count
                firstRowOf[pupil] = (pupilIndex, row.line, characteristics)
            }
            let subjectIndex = subjectOrdinal[subject.code] ?? subjectOrdinal.count
            subjectOrdinal[subject.code] = subjectIndex
            let pair = pupilIndex &* 4096 &+ subjectIndex
            if let earlier = pupilSubjectLine[pair] {
                problems.add(row: row.line, column: "subject", "repeats the pupil and subject of row \(earlier)")
                continue
            }
            pupilSubjectLine[pair] = row.line
            accepted.append(
                SubmissionRow(
                    line: row.line, pupil: pupil, pupilIndex: pupilIndex, subject: subject, result: result, characteristics: characteristics
                )
            )
        }
        try problems.throwIfAny(.invalid)
        return ValidatedSubmission(rows: accepted, pupilCount: firstRowOf.count, subjectCount: subjectOrdinal.count)
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
