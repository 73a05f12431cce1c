/// The stored form of a partial aggregate: a compact, deterministic binary form (sorted keys), read at publication
/// for every contributing school without parsing text. Little-endian; `uint` is an unsigned LEB128 varint, `text` a
/// one-byte length and UTF-8 bytes. A `number` is a `uint`: even, it is twice a whole number of quarters (points
/// sums and headline sums are nearly always whole or half points: one to three bytes); 1, the IEEE 754 bits of a
/// double follow in 8 bytes. Version 2 (still read) stored every `number` as those 8 bytes: 30 % of a school's form.
///
/// ```
/// "GBP" 0x03                                    magic and version
/// text key stage · uint pupils
/// uint groups · text group name…                the pupil groups used below (`all`, `pp=Y`, …), sorted: numbered 0…
/// uint subjects, then per subject (sorted by code):
///     text code · uint grades · text grade code… (the codes counted in any group, sorted)
///     uint lines, then per line (groups sorted): uint group · uint entries · number points sum · uint non-grades ·
///         uint count… (one per grade code above)
/// uint measure lines, then per line (groups sorted): uint group · uint figures · (text name · number value)…
/// ```
///
/// Aggregates stored by earlier versions (before 2026-12-01) are in a line format (`PartialAggregateLines`); every
/// reader accepts both.
extension PartialAggregate {
    public struct DecodingFailure: GradeBenchError {
        /// Where: `line 3` (line format) or `byte 120` (binary form).
        public let place: String
        public var code: String { "partial_aggregate_corrupt" }
        public var message: String { "A stored partial aggregate is damaged (\(place))." }

        init(line: Int) { place = "line \(line)" }
        init(byte: Int) { place = "byte \(byte)" }
    }

    public func encoded() -> [UInt8] {
        let subjectCodes = subjects.keys.sorted()
        let groupNames = Set(subjects.values.flatMap(\.keys)).union(measures.keys).sorted()
        let number = Dictionary(uniqueKeysWithValues: groupNames.enumerated().map { ($1, $0) })
        var out = AggregateWriter(keyStage: keyStage, pupils: pupils, groups: groupNames)
        out.unsigned(subjectCodes.count)
        for subject in subjectCodes {
            let groups = subjects[subject]!
            let codes = Set(groups.values.flatMap { $0.counts.filter { $0.value > 0 }.keys }).sorted()
            out.subject(code: subject, grades: codes, lines: groups.count)
            for group in groups.keys.sorted() {
                let tally = groups[group]!
                out.subjectLine(
                    group: number[group]!, entries: tally.entries, pointsSum: tally.pointsSum, nonGrades: tally.nonGrades,
                    counts: codes.lazy.map { tally.counts[$0] ?? 0 })
            }
        }
        out.unsigned(measures.count)
        for group in measures.keys.sorted() {
            let values = measures[group]!.values
            out.measureLine(group: number[group]!, values: values.keys.sorted().lazy.map { ($0, values[$0]!) })
        }
        return out.bytes
    }

    public init(encoded bytes: [UInt8]) throws(DecodingFailure) {
        guard StoredAggregate.isBinary(bytes) else {
            self = try Self(lines: bytes)
            return
        }
        self = try bytes.withUnsafeBufferPointer { (buffer) throws(DecodingFailure) in
            var stored = try StoredAggregate(buffer)
            var aggregate = PartialAggregate(keyStage: stored.keyStage)
            aggregate.pupils = stored.pupils
            let groups = stored.groups.map(stored.text)
            for _ in 0..<(try stored.unsigned()) {
                let subject = stored.text(try stored.string())
                let codes = try (0..<(try stored.unsigned())).map { _ throws(DecodingFailure) in stored.text(try stored.string()) }
                for _ in 0..<(try stored.unsigned()) {
                    let group = try stored.group()
                    var tally = GradeTally()
                    tally.entries = try stored.unsigned()
                    tally.pointsSum = try stored.number()
                    tally.nonGrades = try stored.unsigned()
                    for code in codes {
                        let count = try stored.unsigned()
                        if count > 0 { tally.counts[code] = count }
                    }
                    aggregate.subjects[subject, default: [:]][groups[group]] = tally
                }
            }
            for _ in 0..<(try stored.unsigned()) {
                let group = try stored.group()
                var tally = MeasureTally()
                for _ in 0..<(try stored.unsigned()) { tally.values[stored.text(try stored.string())] = try stored.number() }
                aggregate.measures[groups[group]] = tally
            }
            try stored.finish()
            return aggregate
        }
    }
}

/// Writes the stored form. The one writer of the format: the keyed form (`encoded()`) and the ingestion path
/// (`encoded(from:)`) both go through it, and write the same bytes for the same counts.
struct AggregateWriter {
    private(set) var bytes: [UInt8] = StoredAggregate.magic

    init(keyStage: KeyStage, pupils: Int, groups: [String]) {
        text(keyStage.rawValue)
        unsigned(pupils)
        unsigned(groups.count)
        for group in groups { text(group) }
    }

    /// A subject's header: its code, its grade codes, how many lines follow.
    mutating func subject(code: String, grades: some Collection<String>, lines: Int) {
        text(code)
        unsigned(grades.count)
        for grade in grades { text(grade) }
        unsigned(lines)
    }

    /// One pupil group's counts of the current subject (`counts`: one per grade code of the subject's header).
    mutating func subjectLine(group: Int, entries: Int, pointsSum: Double, nonGrades: Int, counts: some Sequence<Int>) {
        unsigned(group)
        unsigned(entries)
        number(pointsSum)
        unsigned(nonGrades)
        for count in counts { unsigned(count) }
    }

    /// One pupil group's headline figures (names in order).
    mutating func measureLine(group: Int, values: some Collection<(String, Double)>) {
        unsigned(group)
        unsigned(values.count)
        for (name, value) in values {
            text(name)
            number(value)
        }
    }

    mutating func unsigned(_ number: Int) {
        precondition(number >= 0, "a count")
        var rest = UInt(number)
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private mutating func number(_ number: Double) {
        let quarters = number * 4
        if number.sign == .plus, quarters < 0x1p52, quarters == quarters.rounded(.towardZero) {
            unsigned(Int(quarters) << 1)
            return
        }
        unsigned(1)
        var bits = number.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    private mutating func text(_ text: String) {
        precondition(text.utf8.count <= 255, "a short code")
        bytes.append(UInt8(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }
}

/// Reads the binary stored form in one pass over its bytes, in place (a buffer lent by `withUnsafeBufferPointer`, valid
/// only inside it): texts are byte ranges, numbers decoded as they are reached. Readers follow the order of the
/// format above; any read past the end, or any byte left over, is a `DecodingFailure`.
struct StoredAggregate {
    static let magic: [UInt8] = [0x47, 0x42, 0x50, 0x03]
    /// Version 2: numbers as 8-byte doubles.
    private static let secondVersion: [UInt8] = [0x47, 0x42, 0x50, 0x02]

    static func isBinary(_ bytes: some Collection<UInt8>) -> Bool { bytes.starts(with: magic) || bytes.starts(with: secondVersion) }

    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var keyStage = KeyStage.ks4
    private(set) var pupils = 0
    /// The group names, numbered as the lines refer to them.
    private(set) var groups: [Range<Int>] = []
    private(set) var position: Int
    private let rawNumbers: Bool

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(PartialAggregate.DecodingFailure) {
        self.bytes = bytes
        position = Self.magic.count
        guard Self.isBinary(bytes) else { throw .init(byte: 0) }
        rawNumbers = bytes.starts(with: Self.secondVersion)
        let stage = try string()
        guard let keyStage = KeyStage(rawValue: text(stage)) else { throw .init(byte: stage.lowerBound) }
        self.keyStage = keyStage
        pupils = try unsigned()
        groups = try (0..<(try unsigned())).map { _ throws(PartialAggregate.DecodingFailure) in try string() }
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    @inline(__always)
    mutating func unsigned() throws(PartialAggregate.DecodingFailure) -> Int {
        var value = 0
        var shift = 0
        while position < bytes.count, shift < 63 {
            let byte = bytes[position]
            position += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        throw .init(byte: position)
    }

    /// A group number of the header's list.
    mutating func group() throws(PartialAggregate.DecodingFailure) -> Int {
        let start = position
        let number = try unsigned()
        guard number < groups.count else { throw .init(byte: start) }
        return number
    }

    mutating func string() throws(PartialAggregate.DecodingFailure) -> Range<Int> {
        guard position < bytes.count, position + 1 + Int(bytes[position]) <= bytes.count else { throw .init(byte: position) }
        let range = (position + 1)..<(position + 1 + Int(bytes[position]))
        position = range.upperBound
        return range
    }

    @inline(__always)
    mutating func number() throws(PartialAggregate.DecodingFailure) -> Double {
        if !rawNumbers {
            let start = position
            let tag = try unsigned()
            if tag & 1 == 0 { return Double(tag >> 1) / 4 }
            guard tag == 1 else { throw .init(byte: start) }
        }
        guard position + 8 <= bytes.count else { throw .init(byte: position) }
        var bits: UInt64 = 0
        for index in (0..<8).reversed() { bits = bits << 8 | UInt64(bytes[position + index]) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// Every byte read.
    func finish() throws(PartialAggregate.DecodingFailure) {
        guard position == bytes.count else { throw .init(byte: position) }
    }
}
