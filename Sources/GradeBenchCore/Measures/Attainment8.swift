/// KS4 headline measures for one pupil (DESIGN.md "National-style measures").
public struct KS4PupilMeasures: Hashable, Sendable, Codable {
    /// Attainment 8 score (0–90).
    public let attainment8: Double
    /// Grade 4 or above in maths and in English language or literature.
    public let englishMaths4: Bool
    /// Grade 5 or above in maths and in English language or literature.
    public let englishMaths5: Bool

    /// Computes the measures from a pupil's KS4 results.
    ///
    /// - Maths counts twice (the best maths qualification).
    /// - English counts twice only when both English language and literature were attempted (a graded result or U;
    ///   not X/absent): the higher counts twice and the other may fill an open slot. With only one, it counts once.
    /// - Three EBacc slots: the best of sciences (combined science fills up to two slots, each worth the mean of its
    ///   pair), computer science, history, geography, languages.
    /// - Three open slots: the best of everything left (other EBacc subjects, the other English, other GCSEs,
    ///   approved technical awards). A further maths qualification cannot count again.
    /// - Empty slots score 0.
    public init(results: [(Subject, GradeResult)]) {
        self.init(
            slots: results.lazy.compactMap { subject, result in
                guard let slot = KS4Slot(subject), let points = result.grade?.points else { return nil }
                return (slot, points)
            }
        )
    }

    /// The same measures from each graded result's slot role and points (the ingestion path, which holds results
    /// as small integers and looks both up per catalogue position).
    init(slots: some Sequence<(KS4Slot, Double)>) {
        var bestMaths: Double? = nil
        var bestLanguage: Double? = nil
        var bestLiterature: Double? = nil
        var ebacc = TopThree()
        var open = TopThree()
        for (slot, points) in slots {
            switch slot {
            case .maths: bestMaths = max(bestMaths ?? points, points)
            case .englishLanguage: bestLanguage = max(bestLanguage ?? points, points)
            case .englishLiterature: bestLiterature = max(bestLiterature ?? points, points)
            case .ebacc, .combinedScience:
                // Combined science fills two slots; what the three EBacc slots cannot hold may fill an open slot.
                for _ in 0..<(slot == .combinedScience ? 2 : 1) {
                    if let spilled = ebacc.insert(points) { open.insert(spilled) }
                }
            case .open: open.insert(points)
            }
        }
        // Language and literature beyond the best of each (rare resits) are further English; they do not count.
        var englishSlot = 0.0
        switch (bestLanguage, bestLiterature) {
        case (let l?, let t?):
            englishSlot = 2 * max(l, t)
            open.insert(min(l, t))
        case (let only?, nil), (nil, let only?):
            englishSlot = only
        case (nil, nil):
            englishSlot = 0
        }
        attainment8 = 2 * (bestMaths ?? 0) + englishSlot + ebacc.sum + open.sum
        let bestEnglish = max(bestLanguage ?? -1, bestLiterature ?? -1)
        englishMaths4 = (bestMaths ?? -1) >= 4 && bestEnglish >= 4
        englishMaths5 = (bestMaths ?? -1) >= 5 && bestEnglish >= 5
    }
}

/// Where a KS4 subject's points can go in Attainment 8 (nil for subjects of other key stages).
enum KS4Slot: Sendable {
    case maths, englishLanguage, englishLiterature, ebacc, combinedScience, open

    init?(_ subject: Subject) {
        guard subject.keyStage == .ks4 else { return nil }
        if subject.isMaths {
            self = .maths
        } else if subject.english == .language {
            self = .englishLanguage
        } else if subject.english == .literature {
            self = .englishLiterature
        } else if subject.ebacc != nil {
            self = subject.scale == .gcseCombinedScience ? .combinedScience : .ebacc
        } else {
            self = .open
        }
    }
}

/// The three largest values seen (Attainment 8's slot groups), without an array per pupil.
struct TopThree {
    private var values: (Double, Double, Double) = (-.infinity, -.infinity, -.infinity)

    /// Adds a value; returns the value that no longer fits among the three largest, if any.
    @discardableResult
    mutating func insert(_ value: Double) -> Double? {
        let out: Double
        if value > values.0 {
            (out, values) = (values.2, (value, values.0, values.1))
        } else if value > values.1 {
            (out, values) = (values.2, (values.0, value, values.1))
        } else if value > values.2 {
            (out, values) = (values.2, (values.0, values.1, value))
        } else {
            out = value
        }
        return out.isFinite ? out : nil
    }

    /// The sum of the (up to) three largest, largest first.
    var sum: Double {
        (values.0.isFinite ? values.0 : 0) + (values.1.isFinite ? values.1 : 0) + (values.2.isFinite ? values.2 : 0)
    }
}

/// KS2 headline measures for one pupil.
public struct KS2PupilMeasures: Hashable, Sendable, Codable {
    /// Reading and maths ≥ 100 and writing EXS or GDS.
    public let expectedRWM: Bool
    /// Reading and maths ≥ 110 and writing GDS.
    public let higherRWM: Bool
    public let readingScore: Double?
    public let mathsScore: Double?

    public init(results: [(Subject, GradeResult)]) {
        func score(_ code: String) -> Double? {
            results.first { $0.0.code == code }?.1.grade?.points
        }
        let writing = results.first { $0.0.code == "KS2-WRIT" }?.1.grade?.code
        readingScore = score("KS2-READ")
        mathsScore = score("KS2-MATH")
        let reading = readingScore ?? 0
        let maths = mathsScore ?? 0
        expectedRWM = reading >= 100 && maths >= 100 && (writing == "EXS" || writing == "GDS")
        higherRWM = reading >= 110 && maths >= 110 && writing == "GDS"
    }
}

/// KS5 figures for one student: A level points and entries (APS per entry = points / entries).
public struct KS5PupilMeasures: Hashable, Sendable, Codable {
    public let aLevelPoints: Double
    public let aLevelEntries: Int

    public init(results: [(Subject, GradeResult)]) {
        var points = 0.0
        var entries = 0
        for (subject, result) in results where subject.scale == .aLevel {
            guard let value = result.grade?.points else { continue }
            points += value
            entries += 1
        }
        aLevelPoints = points
        aLevelEntries = entries
    }
}
