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
        try forEachRecord { record throws(Failure) in try body(Row(line: record.line, fields: record.strings)) }
    }

    /// Streams rows as byte ranges (`CSVRecord`, reused from row to row): the hot path of submissions, which
    /// reads short codes without building a `String` per field. Same rules as `rows()`.
    public func forEachRecord(_ body: (CSVRecord) throws(Failure) -> Void) throws(Failure) {
        try bytes.withUnsafeBufferPointer { source throws(Failure) in try scan(source, body) }
    }

    private func scan(_ source: UnsafeBufferPointer<UInt8>, _ body: (CSVRecord) throws(Failure) -> Void) throws(Failure) {
        var record = CSVRecord()
        var index = 0
        let count = source.count
        if count >= 3, source[0] == 0xEF, source[1] == 0xBB, source[2] == 0xBF { index = 3 }
        var line = 1
        var rowHasContent = false
        var fieldStart = 0
        var nonASCII = false
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

        func finishField() throws(Failure) {
            if nonASCII, String(validating: record.bytes[fieldStart...], as: UTF8.self) == nil {
                throw Failure(line: record.line, problem: "a field is not valid UTF-8 text")
            }
            record.ends.append(record.bytes.count)
            fieldStart = record.bytes.count
            nonASCII = false
        }

        while index < count {
            let byte = source[index]
            if byte == quote && record.bytes.count == fieldStart {
                // Quoted field.
                rowHasContent = true
                index += 1
                var closed = false
                while index < count {
                    let inner = source[index]
                    if inner == quote {
                        if index + 1 < count, source[index + 1] == quote {
                            record.bytes.append(inner)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if inner == newline { line += 1 }
                    if inner >= 0x80 { nonASCII = true }
                    record.bytes.append(inner)
                    index += 1
                }
                if !closed { throw Failure(line: record.line, problem: "a quoted field is not closed") }
                // After a closing quote only a separator or a line end may follow.
                if index < count, source[index] != comma, source[index] != newline, source[index] != carriageReturn {
                    throw Failure(line: record.line, problem: "text follows a closing quote")
                }
                continue
            }
            switch byte {
            case comma:
                rowHasContent = true
                try finishField()
                index += 1
            case carriageReturn, newline:
                if byte == carriageReturn, index + 1 < count, source[index + 1] == newline { index += 1 }
                index += 1
                if rowHasContent || record.bytes.count > fieldStart {
                    try finishField()
                    try body(record)
                }
                record.bytes.removeAll(keepingCapacity: true)
                record.ends.removeAll(keepingCapacity: true)
                fieldStart = 0
                rowHasContent = false
                line += 1
                record.line = line
            case quote:
                throw Failure(line: record.line, problem: "a quote appears inside an unquoted field")
            default:
                // An unquoted run: copy it up to the next separator, line end or quote in one go.
                var end = index
                while end < count {
                    let next = source[end]
                    if next == comma || next == newline || next == carriageReturn || next == quote { break }
                    if next >= 0x80 { nonASCII = true }
                    end += 1
                }
                record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[index..<end]))
                rowHasContent = true
                index = end
            }
        }
        if rowHasContent || record.bytes.count > fieldStart {
            try finishField()
            try body(record)
        }
    }
}

/// One CSV row as bytes: its fields' text (quotes removed, `""` unescaped, valid UTF-8) laid end to end in `bytes`,
/// field `i` at `range(i)`.
public struct CSVRecord: Sendable {
    /// Line number of the row's first line (1-based, header is 1).
    public fileprivate(set) var line = 1
    public fileprivate(set) var bytes: [UInt8] = []
    fileprivate var ends: [Int] = []

    public var count: Int { ends.count }

    public func range(_ field: Int) -> Range<Int> { (field == 0 ? 0 : ends[field - 1])..<ends[field] }

    public func field(_ field: Int) -> ArraySlice<UInt8> { bytes[range(field)] }

    public func string(_ field: Int) -> String { String(decoding: self.field(field), as: UTF8.self) }

    public var strings: [String] { (0..<count).map(string) }

    /// Calls `body` with the fields as views into the record's storage: the hot path reads many short fields
    /// per row, and views cost no reference counting.
    func withFields<R>(_ body: (CSVFieldViews) -> R) -> R {
        bytes.withUnsafeBufferPointer { bytes in ends.withUnsafeBufferPointer { ends in body(CSVFieldViews(bytes: bytes, ends: ends)) } }
    }
}

/// A record's fields as views, valid only inside `CSVRecord.withFields`.
struct CSVFieldViews {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    var count: Int { ends.count }

    subscript(field: Int) -> Slice<UnsafeBufferPointer<UInt8>> { bytes[(field == 0 ? 0 : ends[field - 1])..<ends[field]] }
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
