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
        var record = CSVRecord(source: source)
        var index = 0
        let count = source.count
        if count >= 3, source[0] == 0xEF, source[1] == 0xBB, source[2] == 0xBF { index = 3 }
        var line = 1
        var rowHasContent = false
        // The current field's text: a span of `source`, or (start stored as `~start`) of `record.scratch` when
        // quotes had to be unescaped. A field is at most one unquoted run or one quoted section.
        var hasToken = false
        var tokenStart = 0
        var tokenEnd = 0
        var nonASCII = false
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

        func finishField() throws(Failure) {
            if nonASCII {
                let valid =
                    tokenStart >= 0
                    ? String(validating: UnsafeBufferPointer(rebasing: source[tokenStart..<tokenEnd]), as: UTF8.self) != nil
                    : String(validating: record.scratch[~tokenStart..<tokenEnd], as: UTF8.self) != nil
                if !valid { throw Failure(line: record.line, problem: "a field is not valid UTF-8 text") }
            }
            record.starts.append(hasToken ? tokenStart : 0)
            record.ends.append(hasToken ? tokenEnd : 0)
            hasToken = false
            nonASCII = false
        }

        while index < count {
            let byte = source[index]
            if byte == quote && !hasToken {
                // Quoted field: a span of the source unless it holds a doubled quote, which is unescaped into scratch.
                rowHasContent = true
                hasToken = true
                index += 1
                tokenStart = index
                var scratchStart: Int? = nil
                var closed = false
                while index < count {
                    let inner = source[index]
                    if inner == quote {
                        if index + 1 < count, source[index + 1] == quote {
                            if scratchStart == nil {
                                scratchStart = record.scratch.count
                                record.scratch.append(contentsOf: UnsafeBufferPointer(rebasing: source[tokenStart..<index]))
                            }
                            record.scratch.append(inner)
                            index += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    if inner == newline { line += 1 }
                    if inner >= 0x80 { nonASCII = true }
                    if scratchStart != nil { record.scratch.append(inner) }
                    index += 1
                }
                if !closed { throw Failure(line: record.line, problem: "a quoted field is not closed") }
                if let scratchStart {
                    tokenStart = ~scratchStart
                    tokenEnd = record.scratch.count
                } else {
                    tokenEnd = index
                }
                index += 1
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
                if rowHasContent {
                    try finishField()
                    try body(record)
                }
                record.starts.removeAll(keepingCapacity: true)
                record.ends.removeAll(keepingCapacity: true)
                record.scratch.removeAll(keepingCapacity: true)
                rowHasContent = false
                line += 1
                record.line = line
            case quote:
                throw Failure(line: record.line, problem: "a quote appears inside an unquoted field")
            default:
                // An unquoted run up to the next separator, line end or quote.
                var end = index
                while end < count {
                    let next = source[end]
                    if next == comma || next == newline || next == carriageReturn || next == quote { break }
                    if next >= 0x80 { nonASCII = true }
                    end += 1
                }
                hasToken = true
                tokenStart = index
                tokenEnd = end
                rowHasContent = true
                index = end
            }
        }
        if rowHasContent {
            try finishField()
            try body(record)
        }
    }
}

/// One CSV row: its fields' text (quotes removed, `""` unescaped, valid UTF-8) as spans of the source bytes, or of
/// the record's scratch bytes for a quoted field that held `""`. Valid only inside the `forEachRecord` call that
/// hands it out.
public struct CSVRecord {
    /// Line number of the row's first line (1-based, header is 1).
    public fileprivate(set) var line = 1
    fileprivate let source: UnsafeBufferPointer<UInt8>
    fileprivate var scratch: [UInt8] = []
    fileprivate var starts: [Int] = []
    fileprivate var ends: [Int] = []

    fileprivate init(source: UnsafeBufferPointer<UInt8>) { self.source = source }

    public var count: Int { ends.count }

    public func string(_ field: Int) -> String { withFields { String(decoding: $0[field], as: UTF8.self) } }

    public var strings: [String] { (0..<count).map(string) }

    /// Calls `body` with the fields as views into the source: the hot path reads many short fields per row, and
    /// views cost no copy and no reference counting.
    func withFields<R>(_ body: (CSVFieldViews) -> R) -> R {
        scratch.withUnsafeBufferPointer { scratch in
            starts.withUnsafeBufferPointer { starts in
                ends.withUnsafeBufferPointer { ends in
                    body(CSVFieldViews(source: source, scratch: scratch, starts: starts, ends: ends))
                }
            }
        }
    }
}

/// A record's fields as views, valid only inside `CSVRecord.withFields`.
struct CSVFieldViews {
    let source: UnsafeBufferPointer<UInt8>
    let scratch: UnsafeBufferPointer<UInt8>
    let starts: UnsafeBufferPointer<Int>
    let ends: UnsafeBufferPointer<Int>

    var count: Int { ends.count }

    subscript(field: Int) -> Slice<UnsafeBufferPointer<UInt8>> {
        let start = starts[field]
        return start >= 0 ? source[start..<ends[field]] : scratch[~start..<ends[field]]
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
