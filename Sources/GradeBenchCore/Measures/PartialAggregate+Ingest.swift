extension PartialAggregate {
    /// A submission's partial aggregate in its stored form, counted in flat integer-indexed arrays and written
    /// straight to the binary form, in the order `encoded()` writes (sorted subject codes, group names, grade codes and
    /// figure names). This is the ingestion path: it never builds the keyed form.
    public static func encoded(from submission: ValidatedSubmission) -> [UInt8] {
        let counts = GradeCounts(submission)
        let sums = MeasureSums(submission)
        // Per subject, in code order: the group slots with results, in name order, and the grades counted in any.
        var sections: [(subject: Subject, local: Int, slots: [Int], grades: [Int])] = []
        var used = [Bool](repeating: false, count: PupilGroup.every.count)
        for local in counts.localsByCode {
            let subject = submission.catalogue.subjects[counts.positions[local]]
            let width = counts.widths[local]
            let slots = PupilGroup.slotsByName.filter { slot in
                counts.counts[(counts.offsets[local] + slot * width)..<(counts.offsets[local] + (slot + 1) * width)].contains { $0 > 0 }
            }
            guard !slots.isEmpty else { continue }
            for slot in slots { used[slot] = true }
            let grades = subject.scale.gradesByCode.filter { grade in slots.contains { counts.counts[counts.offsets[local] + $0 * width + grade] > 0 } }
            sections.append((subject, local, slots, grades))
        }
        let measureSlots = PupilGroup.slotsByName.filter { sums.present[$0 * MeasureSums.capacity] }
        for slot in measureSlots { used[slot] = true }
        let groupSlots = PupilGroup.slotsByName.filter { used[$0] }
        var number = [Int](repeating: -1, count: PupilGroup.every.count)
        for (index, slot) in groupSlots.enumerated() { number[slot] = index }

        var out = AggregateWriter(keyStage: submission.keyStage, pupils: sums.pupils, groups: groupSlots.map { PupilGroup.every[$0].description })
        out.unsigned(sections.count)
        for (subject, local, slots, grades) in sections {
            let scale = subject.scale.grades
            out.subject(code: subject.code, grades: grades.lazy.map { scale[$0].code }, lines: slots.count)
            for slot in slots {
                let base = counts.offsets[local] + slot * counts.widths[local]
                var entries = 0
                var pointsSum = 0.0
                for (code, grade) in scale.enumerated() {
                    entries += counts.counts[base + code]
                    pointsSum += Double(counts.counts[base + code]) * (grade.points ?? 0)
                }
                let nonGrades = counts.counts[base + scale.count] + counts.counts[base + scale.count + 1]
                out.subjectLine(
                    group: number[slot], entries: entries, pointsSum: pointsSum, nonGrades: nonGrades,
                    counts: grades.lazy.map { counts.counts[base + $0] })
            }
        }
        let names = MeasureSums.names.indices.sorted { MeasureSums.names[$0] < MeasureSums.names[$1] }
        out.unsigned(measureSlots.count)
        for slot in measureSlots {
            out.measureLine(
                group: number[slot],
                values: names.filter { sums.present[slot * MeasureSums.capacity + $0] }.map {
                    (MeasureSums.names[$0], sums.sums[slot * MeasureSums.capacity + $0])
                }
            )
        }
        return out.bytes
    }
}

/// Result counts of a submission: per subject present, a block of counters, groups × (grades + X + ABS).
private struct GradeCounts {
    /// Catalogue positions of the subjects present, in order of appearance.
    var positions: [Int] = []
    var offsets: [Int] = []
    var widths: [Int] = []
    var counts: [Int]
    /// Local subject numbers in subject-code order.
    let localsByCode: [Int]

    init(_ submission: ValidatedSubmission) {
        let groups = PupilGroup.every.count
        var localOf = [Int](repeating: -1, count: submission.catalogue.subjects.count)
        var total = 0
        for result in submission.results where localOf[result.subject] < 0 {
            localOf[result.subject] = positions.count
            positions.append(result.subject)
            offsets.append(total)
            let width = submission.catalogue.subjects[result.subject].scale.grades.count + 2
            widths.append(width)
            total += groups * width
        }
        var counts = [Int](repeating: 0, count: total)
        for result in submission.results {
            let local = localOf[result.subject]
            let width = widths[local]
            let column: Int
            switch result.code {
            case GradeScale.noResultCode: column = width - 2
            case GradeScale.absentCode: column = width - 1
            default: column = Int(result.code)
            }
            let base = offsets[local] + column
            PupilCharacteristics.forEachGroupSlot(packed: submission.pupils[result.pupil].packedCharacteristics) { slot in
                counts[base + slot * width] += 1
            }
        }
        self.counts = counts
        let codes = positions.map { submission.catalogue.subjects[$0].code }
        localsByCode = codes.indices.sorted { codes[$0] < codes[$1] }
    }
}

/// Headline-measure sums of a submission per pupil group (slot) and figure: figure 0 is the pupil count, figure
/// `i + 1` is `MeasureFigure.allCases[i]`.
private struct MeasureSums {
    static let capacity = MeasureFigure.slotNames.count
    static let names = MeasureFigure.slotNames
    var sums = [Double](repeating: 0, count: PupilGroup.every.count * capacity)
    var present = [Bool](repeating: false, count: PupilGroup.every.count * capacity)
    var pupils = 0

    init(_ submission: ValidatedSubmission) {
        if submission.keyStage == .ks4 { addKS4(submission) } else { addOther(submission) }
    }

    private mutating func addOther(_ submission: ValidatedSubmission) {
        var results: [(Subject, GradeResult)] = []
        for (position, pupil) in submission.pupils.enumerated() {
            results.removeAll(keepingCapacity: true)
            for result in submission.results(ofPupil: position) {
                results.append((submission.subject(of: result), submission.gradeResult(of: result)))
            }
            guard !results.isEmpty else { continue }
            count(pupil)
            PartialAggregate.forEachMeasureFigure(keyStage: submission.keyStage, results: results) { figure, value in
                add(figure, value, packed: pupil.packedCharacteristics)
            }
        }
    }

    /// KS4 from the compact form: each catalogue position's Attainment 8 slot and each result code's points are
    /// looked up once per submission, not built per result.
    private mutating func addKS4(_ submission: ValidatedSubmission) {
        let subjects = submission.catalogue.subjects
        let slots = subjects.map(KS4Slot.init)
        let points = subjects.map { $0.scale.grades.map(\.points) }
        for (position, pupil) in submission.pupils.enumerated() {
            let results = submission.results(ofPupil: position)
            guard !results.isEmpty else { continue }
            count(pupil)
            KS4PupilMeasures(
                slots: results.lazy.compactMap { result -> (KS4Slot, Double)? in
                    guard let slot = slots[result.subject], Int(result.code) < points[result.subject].count,
                        let value = points[result.subject][Int(result.code)]
                    else { return nil }
                    return (slot, value)
                }
            ).forEachFigure { figure, value in add(figure, value, packed: pupil.packedCharacteristics) }
        }
    }

    private mutating func count(_ pupil: ValidatedSubmission.Pupil) {
        pupils += 1
        add(at: 0, 1, packed: pupil.packedCharacteristics)
    }

    private mutating func add(_ figure: MeasureFigure, _ value: Double, packed: UInt16) {
        add(at: figure.slot, value, packed: packed)
    }

    private mutating func add(at index: Int, _ value: Double, packed: UInt16) {
        PupilCharacteristics.forEachGroupSlot(packed: packed) { slot in
            sums[slot * Self.capacity + index] += value
            present[slot * Self.capacity + index] = true
        }
    }
}

extension MeasureFigure {
    /// Position in `allCases`.
    var index: Int { Self.indices[self]! }
    private static let indices = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    /// A measure line's figures by slot: 0 the pupils, `index + 1` each figure (`slot`).
    static let slotNames = ["pupils"] + allCases.map(\.rawValue)
    var slot: Int { index + 1 }
}

extension PupilGroup {
    /// Positions in `every`, in the order of the groups' names (`all`, `eal=N`, …): the stored form's order.
    static let slotsByName: [Int] = every.indices.sorted { every[$0].description < every[$1].description }
}

extension GradeScale {
    /// Positions in `grades`, in the order of the grade codes: the stored form's order.
    var gradesByCode: [Int] { GradeScale.gradeCodeOrders[index] }

    private static let gradeCodeOrders: [[Int]] = allCases.map { scale in
        scale.grades.indices.sorted { scale.grades[$0].code < scale.grades[$1].code }
    }
}
