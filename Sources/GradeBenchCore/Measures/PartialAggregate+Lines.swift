/// Reads the line format that earlier versions stored partial aggregates in (before 2026-12-01), a line at a time,
/// without building strings or dictionaries: each line's fields are byte ranges, its numbers parsed in place. Only the
/// keyed form reads it (`PartialAggregate(encoded:)`); the stored form is now binary (`PartialAggregate+Encoding.swift`).
///
/// ```
/// gradebench-partial 1
/// key-stage KS4
/// pupils 203
/// subject MATH all 203 1015 1 9:10 8:15 …      (code, group, entries, points sum, non-grades, grade:count…)
/// measure all a8.sum:9876.5 pupils:203 …
/// ```
///
/// It reads the bytes in place, from a buffer lent by `withUnsafeBufferPointer` and valid only inside it: slicing an
/// array per field would retain and release its storage for each of a national publication's millions of fields.
struct PartialAggregateLines {
    enum Kind { case subject, measure }

    let bytes: UnsafeBufferPointer<UInt8>
    let keyStage: KeyStage
    let pupils: Int
    /// The current line's number (1-based), for errors.
    private(set) var line = 3
    /// Subject lines: the subject code; measure lines: empty.
    private(set) var subject: Range<Int> = 0..<0
    private(set) var group: Range<Int> = 0..<0
    private(set) var entries = 0
    private(set) var pointsSum = 0.0
    private(set) var nonGrades = 0
    /// `key:value` fields after the fixed ones: grade code and count, or figure name and value.
    private(set) var pairs: [(key: Range<Int>, value: Range<Int>)] = []
    private var position = 0
    private var fields: [Range<Int>] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(PartialAggregate.DecodingFailure) {
        self.bytes = bytes
        var fields: [Range<Int>] = []
        var position = 0
        var header: [[Range<Int>]] = []
        var line = 0
        while header.count < 3, Self.nextLine(bytes, from: &position, line: &line, into: &fields) { header.append(fields) }
        func text(_ range: Range<Int>) -> Substring { Substring(decoding: bytes[range], as: UTF8.self) }
        guard header.count == 3, header[0].count == 2, text(header[0][0]) == "gradebench-partial", text(header[0][1]) == "1"
        else { throw .init(line: 1) }
        guard header[1].count == 2, text(header[1][0]) == "key-stage", let stage = KeyStage(rawValue: String(text(header[1][1])))
        else { throw .init(line: 2) }
        guard header[2].count == 2, text(header[2][0]) == "pupils", let pupils = Self.integer(bytes, header[2][1]) else {
            throw .init(line: 3)
        }
        keyStage = stage
        self.pupils = pupils
        self.position = position
        self.line = line
    }

    /// Moves to the next line; `nil` at the end.
    mutating func next() throws(PartialAggregate.DecodingFailure) -> Kind? {
        guard Self.nextLine(bytes, from: &position, line: &line, into: &fields) else { return nil }
        pairs.removeAll(keepingCapacity: true)
        let kind: Kind
        let fixed: Int
        switch bytes[fields[0]].elementsEqual("subject".utf8) ? 0 : bytes[fields[0]].elementsEqual("measure".utf8) ? 1 : 2 {
        case 0:
            guard fields.count >= 6, let entries = Self.integer(bytes, fields[3]), let points = Self.double(bytes, fields[4]),
                let nonGrades = Self.integer(bytes, fields[5])
            else { throw .init(line: line) }
            (kind, fixed) = (.subject, 6)
            (subject, group) = (fields[1], fields[2])
            (self.entries, pointsSum, self.nonGrades) = (entries, points, nonGrades)
        case 1:
            guard fields.count >= 2 else { throw .init(line: line) }
            (kind, fixed) = (.measure, 2)
            (subject, group) = (0..<0, fields[1])
        default:
            throw .init(line: line)
        }
        for field in fields[fixed...] {
            guard let colon = bytes[field].lastIndex(of: UInt8(ascii: ":")) else { throw .init(line: line) }
            pairs.append((field.lowerBound..<colon, (colon + 1)..<field.upperBound))
        }
        return kind
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    func integer(_ range: Range<Int>) throws(PartialAggregate.DecodingFailure) -> Int {
        guard let value = Self.integer(bytes, range) else { throw .init(line: line) }
        return value
    }

    func double(_ range: Range<Int>) throws(PartialAggregate.DecodingFailure) -> Double {
        guard let value = Self.double(bytes, range) else { throw .init(line: line) }
        return value
    }

    /// The next non-empty line's space-separated fields (empty fields skipped, as `split` does).
    private static func nextLine(_ bytes: UnsafeBufferPointer<UInt8>, from position: inout Int, line: inout Int, into fields: inout [Range<Int>]) -> Bool {
        while position < bytes.count {
            fields.removeAll(keepingCapacity: true)
            line += 1
            var start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "\n") {
                if bytes[position] == UInt8(ascii: " ") {
                    if position > start { fields.append(start..<position) }
                    start = position + 1
                }
                position += 1
            }
            if position > start { fields.append(start..<position) }
            position += 1
            if !fields.isEmpty { return true }
        }
        return false
    }

    /// Decimal digits with an optional sign, as `Int(_:)` reads them.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        var negative = false
        if index < range.upperBound, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < range.upperBound, range.upperBound - index <= 18 else {
            return index < range.upperBound ? Int(Substring(decoding: bytes[range], as: UTF8.self)) : nil
        }
        var value = 0
        while index < range.upperBound {
            let digit = Int(bytes[index]) - 48
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
            index += 1
        }
        return negative ? -value : value
    }

    /// As `Double(_:)` reads it. Plain decimals of at most 15 significant digits (what the writer prints for sums of
    /// points) are exact as integer ÷ power of ten, and IEEE division rounds that quotient correctly, so the value is
    /// the same as the standard library's; anything else goes through the standard library.
    static func double(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        var index = range.lowerBound
        let negative = index < range.upperBound && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var scale = -1
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "."), scale < 0 {
                scale = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 15 {
                mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                digits += 1
                if scale >= 0 { scale += 1 }
            } else {
                return Double(Substring(decoding: bytes[range], as: UTF8.self))
            }
            index += 1
        }
        guard digits > 0, scale != 0 else { return Double(Substring(decoding: bytes[range], as: UTF8.self)) }
        var value = Double(mantissa)
        if scale > 0 { value /= Self.powersOfTen[scale] }
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...15).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }
}

extension PartialAggregate {
    /// The pupils of a stored partial aggregate, from its header alone.
    public static func pupils(encoded bytes: [UInt8]) throws(DecodingFailure) -> Int {
        try bytes.withUnsafeBufferPointer { (buffer) throws(DecodingFailure) in
            StoredAggregate.isBinary(bytes) ? try StoredAggregate(buffer).pupils : try PartialAggregateLines(buffer).pupils
        }
    }

    /// The keyed form of an aggregate stored in the line format.
    init(lines bytes: [UInt8]) throws(DecodingFailure) {
        self = try bytes.withUnsafeBufferPointer { (buffer) throws(DecodingFailure) in
            var lines = try PartialAggregateLines(buffer)
            var aggregate = PartialAggregate(keyStage: lines.keyStage)
            aggregate.pupils = lines.pupils
            while let kind = try lines.next() {
                switch kind {
                case .subject:
                    var tally = GradeTally()
                    tally.entries = lines.entries
                    tally.pointsSum = lines.pointsSum
                    tally.nonGrades = lines.nonGrades
                    for (code, count) in lines.pairs { tally.counts[lines.text(code)] = try lines.integer(count) }
                    aggregate.subjects[lines.text(lines.subject), default: [:]][lines.text(lines.group)] = tally
                case .measure:
                    var tally = MeasureTally()
                    for (name, value) in lines.pairs { tally.values[lines.text(name)] = try lines.double(value) }
                    aggregate.measures[lines.text(lines.group)] = tally
                }
            }
            return aggregate
        }
    }
}
