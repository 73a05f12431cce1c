import Dispatch
import Synchronization

/// Merges a run of contributing schools' stored partial aggregates, read straight from their bytes, into flat counts
/// (`SubjectCounts`), headline means and each school's own figures. A publication splits its schools into a few
/// consecutive runs, merges them in parallel and absorbs the runs in order (`merge(schools:…)`).
struct TableMerge {
    let keyStage: KeyStage
    let catalogue: SubjectCatalogue
    let families: Int
    let coalition: Int
    let measures: [HeadlineMeasure]
    let proportionMeasures: [HeadlineMeasure]
    let meanMeasures: [HeadlineMeasure]
    private let groups = PupilGroup.every.count

    /// Tables counted: the catalogue's subjects, then the key stage's proportion measures.
    private(set) var counts: SubjectCounts
    /// Per mean measure × family × group.
    private(set) var meanTallies: [MeanTally?]
    private(set) var schoolFigures: [String: [SchoolFigure]] = [:]
    private(set) var schoolCount = 0
    private(set) var pupilCount = 0
    private var cells: [(column: Int, count: Int)] = []
    /// Per catalogue position, its grade codes in scale order (`gradeCodes[gradeCodeStart[p] ..< gradeCodeStart[p + 1]]`)
    /// and whether its scale has points: looked up for each of a publication's millions of grade counts without
    /// touching the catalogue's shared tables (reference-counted on each access).
    private let gradeCodeStart: [Int]
    private let gradeCodes: [ShortCode]
    private let hasPoints: [Bool]

    /// `combinations`: how many distinct combinations of families the schools have (counts are kept per combination
    /// while merging, then `rolledUp`); means are kept per family.
    init(keyStage: KeyStage, catalogue: SubjectCatalogue, families: Int, combinations: Int, coalition: Int) {
        self.keyStage = keyStage
        self.catalogue = catalogue
        self.families = families
        self.coalition = coalition
        measures = HeadlineMeasure.measures(for: keyStage)
        proportionMeasures = measures.filter(\.isProportion)
        meanMeasures = measures.filter { !$0.isProportion }
        counts = SubjectCounts(
            families: combinations,
            widths: catalogue.subjects.map(\.scale.grades.count) + proportionMeasures.map { _ in HeadlineMeasure.proportionCells.count },
            coalition: coalition)
        meanTallies = Array(repeating: nil, count: meanMeasures.count * families * PupilGroup.every.count)
        gradeCodeStart = catalogue.subjects.reduce(into: [0]) { $0.append($0.last! + $1.scale.grades.count) }
        gradeCodes = catalogue.subjects.flatMap { $0.scale.grades.map { ShortCode($0.code)! } }
        hasPoints = catalogue.subjects.map(\.scale.hasPoints)
    }

    /// `schools` (in URN order) merged in up to four consecutive runs in parallel. The runs depend only on how many
    /// schools there are, never on the machine, so sums of points add up in the same order on every run.
    static func merge(
        schools: [School], families: [[Int]], keyStage: KeyStage, catalogue: SubjectCatalogue, familyCount: Int, coalition: Int,
        aggregate: @Sendable (School) throws -> [UInt8]
    ) throws -> TableMerge {
        let parts = max(1, min(4, schools.count / 250))
        let runs = (0..<parts).map { schools.count * $0 / parts..<schools.count * ($0 + 1) / parts }
        // Schools with the same families share one combination, numbered in order of first sight.
        var combinations: [[Int]] = []
        var numbers: [[Int]: Int] = [:]
        let combination = families.map { list in
            if let number = numbers[list] { return number }
            numbers[list] = combinations.count
            combinations.append(list)
            return combinations.count - 1
        }
        let combinationCount = combinations.count
        let results = Mutex([Int: Result<TableMerge, any Error>]())
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var merge = TableMerge(
                keyStage: keyStage, catalogue: catalogue, families: familyCount, combinations: combinationCount, coalition: coalition)
            let result = Result { () throws -> TableMerge in
                for index in runs[part] {
                    try merge.add(schools[index], families: families[index], combination: combination[index], stored: aggregate(schools[index]))
                }
                return merge
            }
            results.withLock { $0[part] = result }
        }
        var merged = try results.withLock { results in
            var merged = try results[0]!.get()
            for part in 1..<parts { merged.absorb(try results[part]!.get()) }
            return merged
        }
        merged.counts = merged.counts.rolledUp(into: familyCount, combinations: combinations)
        return merged
    }

    /// One school's stored partial aggregate: its counts added to its `combination` of families, its means to each of
    /// its `families` (indices).
    mutating func add(_ school: School, families: [Int], combination: Int, stored: [UInt8]) throws {
        try stored.withUnsafeBufferPointer { buffer in
            var lines = try PartialAggregateLines(buffer)
            precondition(lines.keyStage == keyStage, "a contribution of another key stage")
            schoolCount += 1
            pupilCount += lines.pupils
            var position = -1
            var subjectCode: Range<Int> = 0..<0
            while let kind = try lines.next() {
                let slot = ShortCode(lines.bytes[lines.group]).flatMap { Self.groupSlots[$0] }
                switch kind {
                case .subject:
                    // Lines come in subject order: look the code up once per subject.
                    if position < 0 || !lines.bytes[subjectCode].elementsEqual(lines.bytes[lines.subject]) {
                        subjectCode = lines.subject
                        guard let found = catalogue.position(of: lines.bytes[lines.subject]) else {
                            throw CatalogueError.unknownSubject(lines.text(lines.subject))
                        }
                        position = found
                    }
                    guard let slot else { continue }
                    try addSubject(position, slot: slot, lines, school: school.urn, combination: combination)
                case .measure:
                    guard let slot else { continue }
                    var tally = MeasureTally()
                    for (name, value) in lines.pairs { tally.values[lines.text(name)] = try lines.double(value) }
                    addMeasures(tally, slot: slot, school: school.urn, families: families, combination: combination)
                }
            }
        }
    }

    private mutating func addSubject(_ position: Int, slot: Int, _ lines: PartialAggregateLines, school: URN, combination: Int) throws {
        cells.removeAll(keepingCapacity: true)
        let (first, end) = (gradeCodeStart[position], gradeCodeStart[position + 1])
        for (code, count) in lines.pairs {
            guard let key = ShortCode(lines.bytes[code]) else { continue }
            var grade = first
            while grade < end, gradeCodes[grade] != key { grade += 1 }
            guard grade < end else { continue }
            cells.append((grade - first, try lines.integer(count)))
        }
        if slot == 0, lines.entries > 0, hasPoints[position] {
            schoolFigures[catalogue.subjects[position].code, default: []].append(
                SchoolFigure(school: school, value: lines.pointsSum / Double(lines.entries), base: lines.entries))
        }
        counts.add(table: position, group: slot, family: combination, cells: cells, entries: lines.entries, pointsSum: lines.pointsSum)
    }

    private mutating func addMeasures(_ tally: MeasureTally, slot: Int, school: URN, families: [Int], combination: Int) {
        if slot == 0 { for measure in measures { addSchoolFigure(measure, tally, school: school) } }
        for (number, measure) in proportionMeasures.enumerated() {
            let achieved = measure.counts(tally)
            counts.add(
                table: catalogue.subjects.count + number, group: slot, family: combination,
                cells: achieved.enumerated().map { ($0, $1) }, entries: achieved.reduce(0, +), pointsSum: 0)
        }
        for (number, measure) in meanMeasures.enumerated() {
            let parts = measure.meanParts(tally)
            for family in families {
                let index = meanIndex(number, family: family, group: slot)
                if meanTallies[index] == nil { meanTallies[index] = MeanTally(coalition: coalition) }
                meanTallies[index]!.add(parts)
            }
        }
    }

    private mutating func addSchoolFigure(_ measure: HeadlineMeasure, _ tally: MeasureTally, school: URN) {
        let figure: SchoolFigure?
        if measure.isProportion {
            let counts = measure.counts(tally)
            let pupils = counts.reduce(0, +)
            figure = pupils > 0 ? SchoolFigure(school: school, value: 100 * Double(counts[0]) / Double(pupils), base: pupils) : nil
        } else {
            let parts = measure.meanParts(tally)
            figure = parts.denominator > 0 ? SchoolFigure(school: school, value: parts.sum / parts.denominator, base: parts.base) : nil
        }
        if let figure { schoolFigures[measure.rawValue, default: []].append(figure) }
    }

    func meanIndex(_ measure: Int, family: Int, group: Int) -> Int { (measure * families + family) * groups + group }

    /// The next run of schools (those after this run's), added after this run's.
    mutating func absorb(_ other: TableMerge) {
        counts.absorb(other.counts)
        for index in meanTallies.indices {
            guard let tally = other.meanTallies[index] else { continue }
            if meanTallies[index] == nil { meanTallies[index] = MeanTally(coalition: coalition) }
            meanTallies[index]!.absorb(tally)
        }
        for (figure, values) in other.schoolFigures { schoolFigures[figure, default: []] += values }
        schoolCount += other.schoolCount
        pupilCount += other.pupilCount
    }

    /// Group names (`all`, `pp=Y`, …) → position in `PupilGroup.every`.
    private static let groupSlots = Dictionary(
        uniqueKeysWithValues: PupilGroup.every.enumerated().map { (ShortCode($1.description)!, $0) })
}
