/// Counts of one subject's results for one pupil group.
public struct GradeTally: Codable, Hashable, Sendable {
    /// Results per grade code (non-grades excluded).
    public var counts: [String: Int] = [:]
    /// Graded entries (the base of percentages).
    public var entries = 0
    /// Sum of points of graded entries (for mean points), where the scale has points.
    public var pointsSum = 0.0
    /// Non-grade results (X, ABS), kept apart.
    public var nonGrades = 0

    public init() {}

    mutating func add(_ result: GradeResult) {
        switch result {
        case .grade(let grade):
            counts[grade.code, default: 0] += 1
            entries += 1
            pointsSum += grade.points ?? 0
        case .nonGrade:
            nonGrades += 1
        }
    }

    public mutating func merge(_ other: GradeTally) {
        for (code, count) in other.counts { counts[code, default: 0] += count }
        entries += other.entries
        pointsSum += other.pointsSum
        nonGrades += other.nonGrades
    }
}

/// Summed headline-measure figures for one pupil group, by name (`pupils`, `a8.sum`, `em4`, `rwm.expected`, …).
public struct MeasureTally: Codable, Hashable, Sendable {
    public var values: [String: Double] = [:]

    public init() {}

    public subscript(name: String) -> Double { values[name] ?? 0 }

    mutating func add(_ name: String, _ value: Double) { values[name, default: 0] += value }

    public mutating func merge(_ other: MeasureTally) {
        for (name, value) in other.values { values[name, default: 0] += value }
    }
}

/// One school's contribution to a collection, computed when its submission is accepted: everything publication
/// and the school's own analytics need, as sums that merge by addition.
public struct PartialAggregate: Codable, Hashable, Sendable {
    public var keyStage: KeyStage
    public var pupils: Int
    /// Subject code → pupil group (`all`, `pp=Y`, …) → tally.
    public var subjects: [String: [String: GradeTally]]
    /// Pupil group → headline-measure sums.
    public var measures: [String: MeasureTally]

    public init(keyStage: KeyStage) {
        self.keyStage = keyStage
        pupils = 0
        subjects = [:]
        measures = [:]
    }

    /// Builds the aggregate from a validated submission: grade counts in flat integer-indexed arrays
    /// (subject × group × result code), headline-measure sums per group, then the keyed form.
    public init(_ submission: ValidatedSubmission) {
        self.init(keyStage: submission.keyStage)
        let groupSlots = submission.pupils.map { PupilCharacteristics.groupSlots(packed: $0.packedCharacteristics) }
        countGrades(submission, groupSlots: groupSlots)
        sumMeasures(submission, groupSlots: groupSlots)
    }

    private mutating func countGrades(_ submission: ValidatedSubmission, groupSlots: [[Int]]) {
        let groups = PupilGroup.every.count
        let codes = 256  // every result code, so a code indexes its counter directly
        var localOf = [Int](repeating: -1, count: submission.catalogue.subjects.count)
        var local: [Int] = []  // catalogue positions in order of appearance
        for result in submission.results where localOf[result.subject] < 0 {
            localOf[result.subject] = local.count
            local.append(result.subject)
        }
        var counts = [Int](repeating: 0, count: local.count * groups * codes)
        for result in submission.results {
            let base = localOf[result.subject] * groups
            for slot in groupSlots[result.pupil] { counts[(base + slot) * codes + Int(result.code)] += 1 }
        }
        for (localPosition, position) in local.enumerated() {
            let subject = submission.catalogue.subjects[position]
            let grades = subject.scale.grades
            var tallies: [String: GradeTally] = [:]
            for slot in 0..<groups {
                let base = (localPosition * groups + slot) * codes
                var tally = GradeTally()
                for (code, grade) in grades.enumerated() where counts[base + code] > 0 {
                    let count = counts[base + code]
                    tally.counts[grade.code] = count
                    tally.entries += count
                    tally.pointsSum += Double(count) * (grade.points ?? 0)
                }
                tally.nonGrades = counts[base + Int(GradeScale.noResultCode)] + counts[base + Int(GradeScale.absentCode)]
                if tally.entries + tally.nonGrades > 0 { tallies[PupilGroup.every[slot].description] = tally }
            }
            subjects[subject.code] = tallies
        }
    }

    private mutating func sumMeasures(_ submission: ValidatedSubmission, groupSlots: [[Int]]) {
        let groups = PupilGroup.every.count
        var names = ["pupils"]
        var nameIndex = ["pupils": 0]
        var sums = [[Double]](repeating: [], count: groups)
        var present = [[Bool]](repeating: [], count: groups)
        for pupil in submission.pupils.indices {
            let results = submission.results(ofPupil: pupil).map { (submission.subject(of: $0), submission.gradeResult(of: $0)) }
            guard !results.isEmpty else { continue }
            pupils += 1
            let figures = [("pupils", 1.0)] + Self.measureFigures(keyStage: keyStage, results: results)
            for (name, value) in figures {
                let index =
                    nameIndex[name]
                    ?? {
                        names.append(name)
                        nameIndex[name] = names.count - 1
                        return names.count - 1
                    }()
                for slot in groupSlots[pupil] {
                    if sums[slot].count <= index {
                        sums[slot] += repeatElement(0, count: names.count - sums[slot].count)
                        present[slot] += repeatElement(false, count: names.count - present[slot].count)
                    }
                    sums[slot][index] += value
                    present[slot][index] = true
                }
            }
        }
        for slot in 0..<groups where !sums[slot].isEmpty {
            var tally = MeasureTally()
            for (index, name) in names.enumerated() where index < sums[slot].count && present[slot][index] {
                tally.values[name] = sums[slot][index]
            }
            measures[PupilGroup.every[slot].description] = tally
        }
    }

    /// One pupil's contribution to the headline-measure sums.
    public static func measureFigures(keyStage: KeyStage, results: [(Subject, GradeResult)]) -> [(String, Double)] {
        switch keyStage {
        case .ks4:
            let m = KS4PupilMeasures(results: results)
            return [
                ("a8.sum", m.attainment8), ("a8.sumSquares", m.attainment8 * m.attainment8),
                ("em4", m.englishMaths4 ? 1 : 0), ("em5", m.englishMaths5 ? 1 : 0),
            ]
        case .ks5:
            let m = KS5PupilMeasures(results: results)
            return [("alevel.points", m.aLevelPoints), ("alevel.entries", Double(m.aLevelEntries))]
        case .ks2:
            let m = KS2PupilMeasures(results: results)
            var figures = [("rwm.expected", m.expectedRWM ? 1.0 : 0), ("rwm.higher", m.higherRWM ? 1.0 : 0)]
            if let reading = m.readingScore { figures += [("reading.sum", reading), ("reading.pupils", 1)] }
            if let maths = m.mathsScore { figures += [("maths.sum", maths), ("maths.pupils", 1)] }
            return figures
        case .eyfs:
            return []
        }
    }

    public mutating func merge(_ other: PartialAggregate) {
        pupils += other.pupils
        for (subject, groups) in other.subjects {
            for (group, tally) in groups { subjects[subject, default: [:]][group, default: GradeTally()].merge(tally) }
        }
        for (group, tally) in other.measures { measures[group, default: MeasureTally()].merge(tally) }
    }
}
