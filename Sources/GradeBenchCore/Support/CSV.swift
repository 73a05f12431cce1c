import Foundation

/// A strict RFC 4180 CSV reader over UTF-8 bytes that tolerates Excel habits:
/// a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields (with `""` escapes) and trailing blank lines.
///
/// Rows are numbered from 1 (the header is row 1), as a spreadsheet shows them.
public struct CSVReader: Sendable {
    public struct Row: Sendable {
        /// Line number of the row's first line (1-based, header is 1).
        public let line: Int
        public let fields: [String]
    }

    public struct Failure: GradeBenchError, Equatable {
        public let line: Int
        public let problem: String
        public var code: String { "csv_malformed" }
        public var message: String { "CSV row \(line): \(problem)." }
    }

    private let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(text: String) { self.bytes = Array(text.utf8) }

    /// Reads every row. Blank lines are skipped; a field that is not valid UTF-8 or an unterminated quote is a failure.
    public func rows() throws(Failure) -> [Row] {
        var rows: [Row] = []
        try forEachRow { rows.append($0) }
        return rows
    }

    /// Streams rows to `body` without holding them all.
    public func forEachRow(_ body: (Row) throws(Failure) -> Void) throws(Failure) {
        var index = 0
        let count = bytes.count
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        var line = 1
        var fields: [String] = []
        var field: [UInt8] = []
        var rowStartLine = 1
        var rowHasContent = false

        func finishField() throws(Failure) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw Failure(line: rowStartLine, problem: "a field is not valid UTF-8 text")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }

        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") && field.isEmpty {
                // Quoted field.
                rowHasContent = true
                index += 1
                var closed = false
                while index < count {
                    let inner = bytes[index]
                    if inner == UInt8(ascii: "\"") {
                        if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\"") {
                            field.append(inner)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if inner == UInt8(ascii: "\n") { line += 1 }
                    field.append(inner)
                    index += 1
                }
                if !closed { throw Failure(line: rowStartLine, problem: "a quoted field is not closed") }
                // After a closing quote only a separator or a line end may follow.
                if index < count {
                    let next = bytes[index]
                    if next != UInt8(ascii: ",") && next != UInt8(ascii: "\n") && next != UInt8(ascii: "\r") {
                        throw Failure(line: rowStartLine, problem: "text follows a closing quote")
                    }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                rowHasContent = true
                try finishField()
                index += 1
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                if byte == UInt8(ascii: "\r"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                index += 1
                if rowHasContent || !field.isEmpty {
                    try finishField()
                    try body(Row(line: rowStartLine, fields: fields))
                }
                fields.removeAll(keepingCapacity: true)
                rowHasContent = false
                line += 1
                rowStartLine = line
            default:
                if byte == UInt8(ascii: "\"") {
                    throw Failure(line: rowStartLine, problem: "a quote appears inside an unquoted field")
                }
                rowHasContent = true
                field.append(byte)
                index += 1
            }
        }
        if rowHasContent || !field.isEmpty {
            try finishField()
            try body(Row(line: rowStartLine, fields: fields))
        }
    }
}

/// Writes CSV with minimal quoting (fields holding a comma, quote or line break are quoted).
public enum CSVWriter {
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\n"
    }

    public static func escape(_ field: String) -> String {
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }
}
