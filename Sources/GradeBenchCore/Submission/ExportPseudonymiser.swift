import Foundation

/// Turns a school's MIS export into a submission, at the school: keeps only the submission format's fields,
/// replaces each UPN by its keyed pseudonym, and drops everything else (names, dates of birth, any unlisted column).
///
/// Two layouts are read, with header names matched case-insensitively (spaces, `_` and `-` ignored):
/// - long: one row per pupil × subject, with `upn`, `subject` and `grade` columns;
/// - wide: one row per pupil, with `upn` and one column per subject (a catalogue code or name) holding the grade.
/// `headerMap` maps other header names to fields (`"Candidate Ref" → "upn"`, `"Qualification" → "subject"`).
public struct ExportPseudonymiser: Sendable {
    public struct Result: Sendable {
        /// The submission CSV (DESIGN.md format).
        public let submission: String
        /// UPN → pseudonym, for the school's local re-linking map. Never leaves the school.
        public let links: [(upn: String, pseudonym: String)]
        public let layout: Layout
        public let rows: Int
        public let pupils: Int
        /// Header names of the columns that were dropped.
        public let droppedColumns: [String]
    }

    public enum Layout: String, Sendable {
        case long
        case wide
    }

    public struct Failure: GradeBenchError, Equatable {
        public let problems: [SubmissionProblem]
        public let total: Int
        public var code: String { "export_invalid" }
        public var message: String {
            let shown = problems.prefix(10).map { problem in
                "row \(problem.row.map(String.init) ?? "-")\(problem.column.map { ", column '\($0)'" } ?? ""): \(problem.message)"
            }
            return "The export was not pseudonymised (\(total) problem\(total == 1 ? "" : "s"); nothing was written):\n  "
                + shown.joined(separator: "\n  ") + (total > shown.count ? "\n  … and \(total - shown.count) more" : "")
        }
    }

    let key: PseudonymKey
    let catalogue: SubjectCatalogue
    let headerMap: [String: String]

    /// Header aliases for each field (normalised: lower case, no spaces, `_` or `-`).
    static let aliases: [String: [String]] = [
        "upn": ["upn", "pupilupn", "uniquepupilnumber"],
        "subject": ["subject", "subjectcode", "subjectname", "qualification"],
        "grade": ["grade", "result", "finalgrade", "award"],
        "pp": ["pp", "pupilpremium", "disadvantaged", "ppeligible"],
        "fsm": ["fsm", "freeschoolmeals", "fsmeligible", "fsmever6"],
        "send": ["send", "sen", "senstatus", "senprovision", "senneed"],
        "gender": ["gender", "sex"],
        "eal": ["eal", "englishadditionallanguage", "englishasanadditionallanguage"],
    ]

    public init(key: PseudonymKey, catalogue: SubjectCatalogue = .standard, headerMap: [String: String] = [:]) {
        self.key = key
        self.catalogue = catalogue
        self.headerMap = Dictionary(uniqueKeysWithValues: headerMap.map { (SubmissionValidator.normalised($0.key), $0.value.lowercased()) })
    }

    public func run(_ bytes: [UInt8]) throws(Failure) -> Result {
        var problems = ProblemList()
        let rows: [CSVReader.Row]
        do { rows = try CSVReader(bytes: bytes).rows() } catch {
            throw Failure(problems: [SubmissionProblem(row: error.line, column: nil, message: error.problem)], total: 1)
        }
        guard let header = rows.first?.fields else {
            throw Failure(problems: [SubmissionProblem(row: nil, column: nil, message: "the export is empty")], total: 1)
        }
        // Which field each column holds.
        var fieldOf: [Int: String] = [:]
        var subjectColumns: [Int: Subject] = [:]
        for (index, name) in header.enumerated() {
            let normal = SubmissionValidator.normalised(name)
            if let mapped = headerMap[normal] {
                fieldOf[index] = mapped
            } else if let field = Self.aliases.first(where: { $0.value.contains(normal) })?.key {
                fieldOf[index] = field
            } else if let subject = subjectNamed(name) {
                subjectColumns[index] = subject
            }
        }
        func column(_ field: String) -> Int? { fieldOf.first { $0.value == field }?.key }
        guard let upnColumn = column("upn") else {
            throw Failure(
                problems: [SubmissionProblem(row: 1, column: nil, message: "no UPN column (name it UPN, or use --map 'Your header=upn')")],
                total: 1)
        }
        let layout: Layout = column("subject") != nil ? .long : .wide
        if layout == .long && column("grade") == nil {
            throw Failure(problems: [SubmissionProblem(row: 1, column: nil, message: "a long export needs a grade column")], total: 1)
        }
        if layout == .wide && subjectColumns.isEmpty {
            throw Failure(
                problems: [
                    SubmissionProblem(row: 1, column: nil, message: "no subject column and no column named after a catalogue subject")
                ],
                total: 1
            )
        }
        let characteristicColumns = PupilCharacteristics.columns.compactMap { c in column(c.name).map { (c, $0) } }
        var used = Set([upnColumn] + characteristicColumns.map(\.1))
        if layout == .long { used.formUnion([column("subject")!, column("grade")!]) } else { used.formUnion(subjectColumns.keys) }
        let dropped = header.indices.filter { !used.contains($0) }.map { header[$0] }

        var output = CSVWriter.line(["pupil", "subject", "grade"] + characteristicColumns.map(\.0.name))
        var links: [String: String] = [:]
        var written = 0
        for row in rows.dropFirst() {
            guard row.fields.count == header.count else {
                problems.add(row: row.line, column: nil, "has \(row.fields.count) fields; the header has \(header.count)")
                continue
            }
            let upn = row.fields[upnColumn].trimmedBlanks.asciiUppercased
            guard UPN.isValid(upn) else {
                problems.add(
                    row: row.line, column: header[upnColumn], upn.isEmpty ? "the UPN is missing" : "the UPN's check letter is wrong")
                continue
            }
            var characteristics: [String] = []
            var rowOK = true
            for (characteristic, index) in characteristicColumns {
                guard let value = Self.normalise(characteristic.name, row.fields[index]) else {
                    problems.add(row: row.line, column: header[index], "must be one of \(characteristic.values.joined(separator: ", "))")
                    rowOK = false
                    continue
                }
                characteristics.append(value)
            }
            guard rowOK else { continue }
            let pseudonym = links[upn] ?? key.pseudonym(for: upn)
            links[upn] = pseudonym
            var results: [(String, String)] = []
            switch layout {
            case .long:
                let subjectText = row.fields[column("subject")!]
                guard let subject = subjectNamed(subjectText) else {
                    problems.add(
                        row: row.line, column: header[column("subject")!],
                        "'\(subjectText.prefix(40))' is not a catalogue subject code or name")
                    continue
                }
                results = [(subject.code, row.fields[column("grade")!].trimmedBlanks)]
            case .wide:
                for (index, subject) in subjectColumns.sorted(by: { $0.key < $1.key }) {
                    let grade = row.fields[index].trimmedBlanks
                    if !grade.isEmpty { results.append((subject.code, grade)) }
                }
            }
            for (subject, grade) in results {
                output += CSVWriter.line([pseudonym, subject, grade] + characteristics)
                written += 1
            }
        }
        if problems.total > 0 { throw Failure(problems: problems.problems, total: problems.total) }
        return Result(
            submission: output, links: links.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, layout: layout, rows: written,
            pupils: links.count, droppedColumns: dropped
        )
    }

    /// Common MIS spellings of subject names that differ from the catalogue's.
    static let subjectAliases: [String: String] = [
        "maths": "MATH", "math": "MATH", "english lang": "ENGLANG", "english lit": "ENGLIT", "computing": "COMPSCI",
        "religious education": "RS", "re": "RS", "physical education": "PE", "d&t": "DT", "design technology": "DT",
        "double science": "COMBSCI", "science (combined)": "COMBSCI", "art": "ART", "business studies": "BUS",
    ]

    /// A subject by catalogue code, catalogue name or common alias (case-insensitive).
    private func subjectNamed(_ text: String) -> Subject? {
        let trimmed = text.trimmedBlanks
        if let subject = try? catalogue.subject(trimmed) { return subject }
        let lower = trimmed.lowercased()
        if let code = Self.subjectAliases[lower] { return try? catalogue.subject(code) }
        return catalogue.subjects.first { $0.name.lowercased() == lower }
    }

    /// MIS spellings of characteristic values → the submission's codes; `nil` when not recognised.
    static func normalise(_ field: String, _ raw: String) -> String? {
        let value = raw.trimmedBlanks.lowercased()
        switch field {
        case "pp", "fsm", "eal":
            if ["y", "yes", "true", "1"].contains(value) { return "Y" }
            if ["n", "no", "false", "0"].contains(value) { return "N" }
            return nil
        case "send":
            if ["n", "none", "no", ""].contains(value) { return "N" }
            if ["k", "sen support", "support"].contains(value) { return "K" }
            if ["e", "ehcp", "ehc plan", "ehc", "statement"].contains(value) { return "E" }
            return nil
        case "gender":
            if ["f", "female", "girl"].contains(value) { return "F" }
            if ["m", "male", "boy"].contains(value) { return "M" }
            if ["x", "other", "not known"].contains(value) { return "X" }
            return nil
        default:
            return nil
        }
    }
}
