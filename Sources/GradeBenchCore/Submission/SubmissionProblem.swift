/// One thing wrong with a submission: where (row as a spreadsheet numbers it, header = 1; column) and what.
/// Messages never repeat a cell's value when it could be an identifier.
public struct SubmissionProblem: Hashable, Sendable, Codable {
    public let row: Int?
    public let column: String?
    public let message: String

    public init(row: Int?, column: String?, message: String) {
        self.row = row
        self.column = column
        self.message = message
    }
}

/// Why a submission was refused as a whole. Nothing is stored when this is thrown.
public struct SubmissionRejection: GradeBenchError, Equatable {
    public enum Kind: String, Sendable {
        /// A header or a cell that is a direct identifier (name, date of birth, UPN, …).
        case identifiersPresent = "identifiers_present"
        /// Rows or columns that are not valid.
        case invalid = "invalid_submission"
    }

    public let kind: Kind
    /// The first problems found (at most `limit`).
    public let problems: [SubmissionProblem]
    /// How many problems there are in all.
    public let total: Int

    public static let limit = 100

    public var code: String { kind.rawValue }

    public var message: String {
        let first =
            problems.first.map { problem in
                [problem.row.map { "row \($0)" }, problem.column.map { "column '\($0)'" }].compactMap { $0 }.joined(separator: ", ")
                    + ": " + problem.message
            } ?? ""
        switch kind {
        case .identifiersPresent:
            return "The submission contains direct identifiers and was not accepted (\(total) found; first at \(first))."
        case .invalid:
            return "The submission has \(total) problem\(total == 1 ? "" : "s") and was not accepted (first at \(first))."
        }
    }
}
