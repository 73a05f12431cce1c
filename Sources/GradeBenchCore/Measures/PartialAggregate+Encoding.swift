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
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.count >= 3, lines[0] == "gradebench-partial 1" else { throw DecodingFailure(line: 1) }
        guard lines[1].hasPrefix("key-stage "), let stage = KeyStage(rawValue: String(lines[1].dropFirst(10))) else {
            throw DecodingFailure(line: 2)
        }
        guard lines[2].hasPrefix("pupils "), let pupils = Int(lines[2].dropFirst(7)) else { throw DecodingFailure(line: 3) }
        self.init(keyStage: stage)
        self.pupils = pupils
        for (index, line) in lines.enumerated().dropFirst(3) {
            let fields = line.split(separator: " ")
            func pair(_ field: Substring) throws(DecodingFailure) -> (String, Substring) {
                guard let colon = field.lastIndex(of: ":") else { throw DecodingFailure(line: index + 1) }
                return (String(field[..<colon]), field[field.index(after: colon)...])
            }
            switch fields.first {
            case "subject":
                guard fields.count >= 6, let entries = Int(fields[3]), let points = Double(fields[4]), let nonGrades = Int(fields[5]) else {
                    throw DecodingFailure(line: index + 1)
                }
                var tally = GradeTally()
                tally.entries = entries
                tally.pointsSum = points
                tally.nonGrades = nonGrades
                for field in fields.dropFirst(6) {
                    let (code, count) = try pair(field)
                    guard let value = Int(count) else { throw DecodingFailure(line: index + 1) }
                    tally.counts[code] = value
                }
                subjects[String(fields[1]), default: [:]][String(fields[2])] = tally
            case "measure":
                guard fields.count >= 2 else { throw DecodingFailure(line: index + 1) }
                var tally = MeasureTally()
                for field in fields.dropFirst(2) {
                    let (name, text) = try pair(field)
                    guard let value = Double(text) else { throw DecodingFailure(line: index + 1) }
                    tally.values[name] = value
                }
                measures[String(fields[1])] = tally
            default:
                throw DecodingFailure(line: index + 1)
            }
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
