/// The stored form of a partial aggregate: a small, deterministic line format (sorted keys), much cheaper to
/// write and read than JSON on every submission.
///
/// ```
/// gradebench-partial 1
/// key-stage KS4
/// pupils 203
/// subject MATH all 203 1015 1 9:10 8:15 …      (code, group, entries, points sum, non-grades, grade:count…)
/// measure all a8.sum:9876.5 pupils:203 …
/// ```
extension PartialAggregate {
    public struct DecodingFailure: GradeBenchError {
        public let line: Int
        public var code: String { "partial_aggregate_corrupt" }
        public var message: String { "A stored partial aggregate is damaged (line \(line))." }
    }

    public func encoded() -> [UInt8] {
        var out = LineWriter()
        out.writeHeader(keyStage: keyStage, pupils: pupils)
        for subject in subjects.keys.sorted() {
            let groups = subjects[subject]!
            for group in groups.keys.sorted() {
                let tally = groups[group]!
                out.writeSubjectLine(
                    subject: subject, group: group, entries: tally.entries, pointsSum: tally.pointsSum, nonGrades: tally.nonGrades,
                    counts: tally.counts.keys.sorted().lazy.map { ($0, tally.counts[$0]!) }
                )
            }
        }
        for group in measures.keys.sorted() {
            let values = measures[group]!.values
            out.writeMeasureLine(group: group, values: values.keys.sorted().lazy.map { ($0, values[$0]!) })
        }
        return out.bytes
    }

    public init(encoded bytes: [UInt8]) throws(DecodingFailure) {
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

/// Writes the stored form, line by line, as UTF-8 bytes (numbers without going through `String`). The one writer of
/// the format: the keyed form (`encoded()`) and the ingestion path (`encoded(from:)`) both go through it.
struct LineWriter {
    private(set) var bytes: [UInt8] = []

    mutating func writeHeader(keyStage: KeyStage, pupils: Int) {
        write("gradebench-partial 1\nkey-stage \(keyStage.rawValue)\npupils \(pupils)\n")
    }

    /// `subject CODE GROUP entries points non-grades grade:count…` (counts in grade-code order, none zero).
    mutating func writeSubjectLine(
        subject: String, group: String, entries: Int, pointsSum: Double, nonGrades: Int, counts: some Sequence<(String, Int)>
    ) {
        write("subject ")
        write(subject)
        write(" ")
        write(group)
        write(" ")
        write(entries)
        write(" ")
        write(pointsSum)
        write(" ")
        write(nonGrades)
        for (code, count) in counts {
            write(" ")
            write(code)
            write(":")
            write(count)
        }
        write("\n")
    }

    /// `measure GROUP name:value…` (names in order).
    mutating func writeMeasureLine(group: String, values: some Sequence<(String, Double)>) {
        write("measure ")
        write(group)
        for (name, value) in values {
            write(" ")
            write(name)
            write(":")
            write(value)
        }
        write("\n")
    }

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ number: Int) {
        if number < 0 {
            bytes.append(UInt8(ascii: "-"))
            write(UInt(number.magnitude))
        } else {
            write(UInt(number))
        }
    }

    /// As `"\(number)"` prints it: integral values below 2^53 as digits and `.0`, others by the standard library.
    mutating func write(_ number: Double) {
        if number == number.rounded(), number.magnitude < 9_007_199_254_740_992 {
            if number.sign == .minus { bytes.append(UInt8(ascii: "-")) }
            write(UInt(number.magnitude))
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0"))
        } else {
            write("\(number)")
        }
    }

    private mutating func write(_ number: UInt) {
        var divisor: UInt = 1
        while number / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(number / divisor % 10))
            divisor /= 10
        }
    }
}
