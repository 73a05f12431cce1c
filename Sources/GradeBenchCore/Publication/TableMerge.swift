import Dispatch
import Synchronization

/// Merges contributing schools' stored partial aggregates, read straight from their bytes, into flat counts
/// (`SubjectCounts`), headline means and each school's own figures. A publication takes its schools one combination
/// of families at a time (schools with the same families), splits the combinations into a few parts merged in
/// parallel, and absorbs the parts in order (`merge(schools:…)`).
struct TableMerge {
    let keyStage: KeyStage
    let catalogue: SubjectCatalogue
    let families: Int
    let coalition: Int
    let measures: [HeadlineMeasure]
    let proportionMeasures: [HeadlineMeasure]
    let meanMeasures: [HeadlineMeasure]
    private let groups = PupilGroup.every.count

    /// Tables counted, per family: the catalogue's subjects, then the key stage's proportion measures.
    private(set) var counts: SubjectCounts
    /// The current combination's schools' counts (one family slot), added into `counts` by `endCombination`.
    private var combination: SubjectCounts
    /// Per mean measure × family × group.
    private(set) var meanTallies: [MeanTally?]
    private(set) var schoolFigures: [String: [SchoolFigure]] = [:]
    private(set) var schoolCount = 0
    private(set) var pupilCount = 0
    private var columns: [Int] = []
    /// One line of counts being added (`SubjectCounts.TableBlock.add`), as long as the widest table's.
    private var line: [Int32]
    /// The measure line being read: its figures by slot (`MeasureFigure.slotNames`; a name not among them is not used).
    private var figures = [Double](repeating: 0, count: MeasureFigure.slotNames.count)
    private static let figureSlots = MeasureFigure.slotNames.map { ShortCode($0) }
    /// Per catalogue position, each school's mean points (group: all pupils), while merging; `schoolFigures` after.
    private var subjectFigures: [[SchoolFigure]]
    /// Per catalogue position, its grade codes in scale order (`gradeCodes[gradeCodeStart[p] ..< gradeCodeStart[p + 1]]`)
    /// and whether its scale has points: looked up for each of a publication's millions of grade counts without
    /// touching the catalogue's shared tables (reference-counted on each access).
    private let gradeCodeStart: [Int]
    private let gradeCodes: [ShortCode]
    private let hasPoints: [Bool]

    init(keyStage: KeyStage, catalogue: SubjectCatalogue, families: Int, coalition: Int) {
        self.keyStage = keyStage
        self.catalogue = catalogue
        self.families = families
        self.coalition = coalition
        measures = HeadlineMeasure.measures(for: keyStage)
        proportionMeasures = measures.filter(\.isProportion)
        meanMeasures = measures.filter { !$0.isProportion }
        let widths = catalogue.subjects.map(\.scale.grades.count) + proportionMeasures.map { _ in HeadlineMeasure.proportionCells.count }
        counts = SubjectCounts(families: families, widths: widths, coalition: coalition)
        combination = SubjectCounts(families: 1, widths: widths, coalition: coalition)
        meanTallies = Array(repeating: nil, count: meanMeasures.count * families * PupilGroup.every.count)
        gradeCodeStart = catalogue.subjects.reduce(into: [0]) { $0.append($0.last! + $1.scale.grades.count) }
        gradeCodes = catalogue.subjects.flatMap { $0.scale.grades.map { ShortCode($0.code)! } }
        hasPoints = catalogue.subjects.map(\.scale.hasPoints)
        subjectFigures = Array(repeating: [], count: catalogue.subjects.count)
        line = Array(repeating: 0, count: (widths.max() ?? 0) + 1 + Lane.scalarCount)
    }

    /// `schools` (in URN order) merged one combination of families at a time, the combinations in up to four parts
    /// in parallel. The parts depend only on the schools and their families, never on the machine, and every sum is
    /// taken in the same order on every run.
    static func merge(
        schools: [School], families: [[Int]], keyStage: KeyStage, catalogue: SubjectCatalogue, familyCount: Int, coalition: Int,
        aggregate: @Sendable (School) throws -> [UInt8]
    ) throws -> TableMerge {
        let (combinations, members) = Self.combinations(families)
        let runs = Self.parts(members, schools: schools.count)
        let results = Mutex([Int: Result<TableMerge, any Error>]())
        DispatchQueue.concurrentPerform(iterations: runs.count) { part in
            var merge = TableMerge(keyStage: keyStage, catalogue: catalogue, families: familyCount, coalition: coalition)
            let result = Result { () throws -> TableMerge in
                for number in runs[part] {
                    for index in members[number] {
                        try merge.add(schools[index], families: combinations[number], stored: aggregate(schools[index]))
                    }
                    merge.endCombination(families: combinations[number])
                }
                return merge
            }
            results.withLock { $0[part] = result }
        }
        var merged = try results.withLock { results in
            var merged = try results[0]!.get()
            for part in 1..<runs.count { merged.absorb(try results[part]!.get()) }
            return merged
        }
        for (position, figures) in merged.subjectFigures.enumerated() where !figures.isEmpty {
            merged.schoolFigures[catalogue.subjects[position].code] = figures
        }
        // Each figure's schools in URN order, the figures sorted on every core.
        let unsorted = Array(merged.schoolFigures)
        let sorted = Mutex([String: [SchoolFigure]]())
        DispatchQueue.concurrentPerform(iterations: unsorted.count) { index in
            let figures = unsorted[index].value.sorted { $0.school < $1.school }
            sorted.withLock { $0[unsorted[index].key] = figures }
        }
        merged.schoolFigures = sorted.withLock { $0 }
        return merged
    }

    /// Schools with the same families share one combination, numbered in order of first sight: each combination's
    /// families and its schools (indices, in order).
    private static func combinations(_ families: [[Int]]) -> (families: [[Int]], schools: [[Int]]) {
        var combinations: [[Int]] = []
        var members: [[Int]] = []
        var numbers: [[Int]: Int] = [:]
        for (index, list) in families.enumerated() {
            if let number = numbers[list] {
                members[number].append(index)
            } else {
                numbers[list] = combinations.count
                combinations.append(list)
                members.append([index])
            }
        }
        return (combinations, members)
    }

    /// Up to four runs of consecutive combinations with about the same work in each: a school's counts are read and
    /// added once, and each combination's block is added to its five or so families, which costs about as much as
    /// four schools (national timers: parts balanced by schools alone took 0.07–0.16 s, the one with most
    /// combinations the longest).
    private static func parts(_ members: [[Int]], schools: Int) -> [Range<Int>] {
        let parts = max(1, min(4, schools / 250, members.count))
        let combinationWeight = 4
        let total = schools + combinationWeight * members.count
        var bounds = [0]
        var counted = 0
        for (number, members) in members.enumerated() {
            counted += members.count + combinationWeight
            if bounds.count < parts, counted * parts >= total * bounds.count { bounds.append(number + 1) }
        }
        if bounds.count == 1 || bounds.last != members.count { bounds.append(members.count) }  // at least one run
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }

    /// The current combination's counts added to each of its `families`, ready for the next combination.
    private mutating func endCombination(families: [Int]) {
        counts.add(combination, into: families)
        combination.reset()
    }

    /// One school's stored partial aggregate: its counts added to the current combination (its `families`, indices,
    /// until `endCombination`), its means to each of its families.
    mutating func add(_ school: School, families: [Int], stored: [UInt8]) throws {
        guard StoredAggregate.isBinary(stored) else {
            // Stored in the line format by an earlier version: read through the keyed form.
            return try add(school, families: families, stored: PartialAggregate(encoded: stored).encoded())
        }
        try stored.withUnsafeBufferPointer { buffer in
            var reader = try StoredAggregate(buffer)
            precondition(reader.keyStage == keyStage, "a contribution of another key stage")
            schoolCount += 1
            pupilCount += reader.pupils
            let slots = reader.groups.map { ShortCode(buffer[$0]).flatMap { Self.groupSlots[$0] } }
            for _ in 0..<(try reader.unsigned()) {
                let code = try reader.string()
                guard let position = catalogue.position(of: buffer[code]) else {
                    throw CatalogueError.unknownSubject(reader.text(code))
                }
                // The stored grade codes → columns of the subject's scale (-1: not on it).
                columns.removeAll(keepingCapacity: true)
                let (first, end) = (gradeCodeStart[position], gradeCodeStart[position + 1])
                for _ in 0..<(try reader.unsigned()) {
                    let key = ShortCode(buffer[try reader.string()])
                    var grade = first
                    while grade < end, gradeCodes[grade] != key { grade += 1 }
                    columns.append(grade < end ? grade - first : -1)
                }
                let lines = try reader.unsigned()
                let withPoints = hasPoints[position]
                let columns = columns
                let cells = gradeCodeStart[position + 1] - first
                var figures: [SchoolFigure] = []
                try combination.withBlock(table: position, family: 0) { block in
                    try line.withUnsafeMutableBufferPointer { line in
                        precondition(line.count >= block.lineLength, "a line long enough for every table")
                        for _ in 0..<lines {
                            let group = try reader.group()
                            let entries = try reader.unsigned()
                            let pointsSum = try reader.number()
                            _ = try reader.unsigned()  // non-grades: not published
                            guard let slot = slots[group] else {
                                for _ in columns { _ = try reader.unsigned() }
                                continue
                            }
                            for column in columns {
                                let count = try reader.unsigned()
                                if column >= 0 {
                                    precondition(column < cells, "a cell of the table")
                                    line[column] = Int32(count)
                                }
                            }
                            block.add(line.baseAddress!, group: slot, entries: entries, pointsSum: pointsSum)
                            if slot == 0, entries > 0, withPoints {
                                figures.append(SchoolFigure(school: school.urn, value: pointsSum / Double(entries), base: entries))
                            }
                        }
                    }
                }
                subjectFigures[position] += figures
            }
            for _ in 0..<(try reader.unsigned()) {
                let group = try reader.group()
                for index in figures.indices { figures[index] = 0 }
                for _ in 0..<(try reader.unsigned()) {
                    let name = ShortCode(buffer[try reader.string()])
                    let value = try reader.number()
                    if let slot = Self.figureSlots.firstIndex(of: name) { figures[slot] = value }
                }
                guard let slot = slots[group] else { continue }
                addMeasures(slot: slot, school: school.urn, families: families)
            }
            try reader.finish()
        }
    }

    /// The current measure line's `figures` (one group's) added to the school's combination and its families.
    private mutating func addMeasures(slot: Int, school: URN, families: [Int]) {
        let figures = figures
        let tally = { (figure: MeasureFigure?) in figures[figure?.slot ?? 0] }
        if slot == 0 { for measure in measures { addSchoolFigure(measure, tally, school: school) } }
        for (number, measure) in proportionMeasures.enumerated() {
            let achieved = measure.counts(tally)
            combination.add(
                table: catalogue.subjects.count + number, group: slot, family: 0,
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

    private mutating func addSchoolFigure(_ measure: HeadlineMeasure, _ tally: (MeasureFigure?) -> Double, school: URN) {
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

    /// The next part's schools (those of the combinations after this part's), added after this part's.
    mutating func absorb(_ other: TableMerge) {
        counts.absorb(other.counts)
        for index in meanTallies.indices {
            guard let tally = other.meanTallies[index] else { continue }
            if meanTallies[index] == nil { meanTallies[index] = MeanTally(coalition: coalition) }
            meanTallies[index]!.absorb(tally)
        }
        for (figure, values) in other.schoolFigures { schoolFigures[figure, default: []] += values }
        for position in subjectFigures.indices { subjectFigures[position] += other.subjectFigures[position] }
        schoolCount += other.schoolCount
        pupilCount += other.pupilCount
    }

    /// Group names (`all`, `pp=Y`, …) → position in `PupilGroup.every`.
    private static let groupSlots = Dictionary(
        uniqueKeysWithValues: PupilGroup.every.enumerated().map { (ShortCode($1.description)!, $0) })
}
