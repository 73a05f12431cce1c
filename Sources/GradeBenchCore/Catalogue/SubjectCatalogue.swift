import Foundation

/// The subjects GradeBench accepts, loaded from the package's `subjects.csv` data file
/// (compiled into the binary, so the catalogue needs no file at run time).
public struct SubjectCatalogue: Sendable {
    public let subjects: [Subject]
    /// Code → position in `subjects`.
    private let positions: [ShortCode: Int]

    /// The catalogue shipped with this build.
    public static let standard: SubjectCatalogue = {
        do {
            return try SubjectCatalogue(csv: PackageResources.subjects_csv)
        } catch {
            preconditionFailure("the bundled subject catalogue is invalid: \(error)")
        }
    }()

    public init(subjects: [Subject]) throws(CatalogueError) {
        var positions: [ShortCode: Int] = [:]
        for (position, subject) in subjects.enumerated() {
            guard let key = ShortCode(subject.code), subject.code == subject.code.asciiUppercased, !subject.code.contains(" ") else {
                throw CatalogueError.malformedCatalogue(
                    line: position + 2, problem: "a subject code must be upper case, short and without spaces")
            }
            guard positions.updateValue(position, forKey: key) == nil else { throw CatalogueError.duplicateSubject(subject.code) }
        }
        self.subjects = subjects
        self.positions = positions
    }

    /// Parses the catalogue CSV: `code,name,scale,key_stage,ebacc,english,maths`.
    public init(csv bytes: [UInt8]) throws(CatalogueError) {
        let rows: [CSVReader.Row]
        do { rows = try CSVReader(bytes: bytes).rows() } catch { throw .malformedCatalogue(line: error.line, problem: error.problem) }
        guard let header = rows.first, header.fields == ["code", "name", "scale", "key_stage", "ebacc", "english", "maths"]
        else { throw .malformedCatalogue(line: 1, problem: "unexpected header") }
        var subjects: [Subject] = []
        for row in rows.dropFirst() {
            let f = row.fields
            guard f.count == 7 else { throw .malformedCatalogue(line: row.line, problem: "expected 7 fields") }
            guard let scale = GradeScale(rawValue: f[2]) else {
                throw .malformedCatalogue(line: row.line, problem: "unknown scale '\(f[2])'")
            }
            guard let keyStage = KeyStage(rawValue: f[3]) else {
                throw .malformedCatalogue(line: row.line, problem: "unknown key stage '\(f[3])'")
            }
            let ebacc = f[4].isEmpty ? nil : EBaccCategory(rawValue: f[4])
            let english = f[5].isEmpty ? nil : EnglishComponent(rawValue: f[5])
            if !f[4].isEmpty && ebacc == nil { throw .malformedCatalogue(line: row.line, problem: "unknown EBacc category") }
            if !f[5].isEmpty && english == nil { throw .malformedCatalogue(line: row.line, problem: "unknown English marker") }
            subjects.append(
                Subject(
                    code: f[0], name: f[1], scale: scale, keyStage: keyStage,
                    ebacc: ebacc, english: english, isMaths: f[6] == "Y"
                )
            )
        }
        try self.init(subjects: subjects)
    }

    /// The subject with this code (codes match exactly, after trimming and upper-casing).
    public func subject(_ code: String) throws(CatalogueError) -> Subject {
        guard let position = position(of: code.utf8) else { throw .unknownSubject(code) }
        return subjects[position]
    }

    /// The position in `subjects` of the subject with this code, read from bytes (exact first, then trimmed and
    /// upper-cased).
    public func position(of code: some BidirectionalCollection<UInt8>) -> Int? {
        if let key = ShortCode(code), let position = positions[key] { return position }
        let normalised = code.trimmedBlanks
        guard normalised.count <= ShortCode.capacity, let key = ShortCode(normalised.asciiUppercased) else { return nil }
        return positions[key]
    }

    /// Parses a grade for a subject: a typed error names the subject and the grade when it is not on the scale.
    public func result(subject code: String, grade raw: String) throws(CatalogueError) -> (Subject, GradeResult) {
        let subject = try subject(code)
        guard let result = subject.scale.parse(raw) else {
            throw .gradeNotOnScale(grade: raw, subject: subject.code, scale: subject.scale)
        }
        return (subject, result)
    }

    public func subjects(in keyStage: KeyStage) -> [Subject] { subjects.filter { $0.keyStage == keyStage } }
}

/// Why a subject or grade was not accepted.
public enum CatalogueError: GradeBenchError, Equatable {
    case unknownSubject(String)
    case gradeNotOnScale(grade: String, subject: String, scale: GradeScale)
    case duplicateSubject(String)
    case malformedCatalogue(line: Int, problem: String)

    public var code: String {
        switch self {
        case .unknownSubject: "unknown_subject"
        case .gradeNotOnScale: "grade_not_on_scale"
        case .duplicateSubject: "duplicate_subject"
        case .malformedCatalogue: "malformed_catalogue"
        }
    }

    public var message: String {
        switch self {
        case .unknownSubject(let code):
            "Subject '\(code.prefix(24))' is not in the subject catalogue."
        case .gradeNotOnScale(let grade, let subject, let scale):
            // Echo the value only when it is short and grade-shaped: a name typed into the grade column is not repeated.
            Self.isGradeShaped(grade)
                ? "Grade '\(grade)' is not on the \(scale.displayName) scale of subject \(subject)."
                : "The grade given is not on the \(scale.displayName) scale of subject \(subject)."
        case .duplicateSubject(let code):
            "Subject '\(code)' appears twice in the subject catalogue."
        case .malformedCatalogue(let line, let problem):
            "The subject catalogue is malformed at line \(line): \(problem)."
        }
    }
}

extension CatalogueError {
    /// Short, and either tiny or holding a digit or grade punctuation (`10`, `A**`, `5/4`, `Z`) — never a word
    /// such as a name.
    static func isGradeShaped(_ text: String) -> Bool {
        (1...5).contains(text.count)
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "*-+/".contains($0)) }
            && (text.count <= 2 || text.contains(where: { $0.isNumber || "*-+/".contains($0) }))
    }
}
