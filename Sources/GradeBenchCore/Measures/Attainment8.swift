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
        var maths: [Double] = []
        var language: [Double] = []
        var literature: [Double] = []
        var ebacc: [Double] = []
        var other: [Double] = []
        for (subject, result) in results {
            guard let grade = result.grade, let points = grade.points, subject.keyStage == .ks4 else { continue }
            if subject.isMaths {
                maths.append(points)
            } else if subject.english == .language {
                language.append(points)
            } else if subject.english == .literature {
                literature.append(points)
            } else if subject.ebacc != nil {
                ebacc += subject.scale == .gcseCombinedScience ? [points, points] : [points]
            } else {
                other.append(points)
            }
        }
        let bestMaths = maths.max() ?? 0
        let bestLanguage = language.max()
        let bestLiterature = literature.max()
        var englishSlot = 0.0
        var open = other
        switch (bestLanguage, bestLiterature) {
        case (let l?, let t?):
            englishSlot = 2 * max(l, t)
            open.append(min(l, t))
        case (let only?, nil), (nil, let only?):
            englishSlot = only
        case (nil, nil):
            englishSlot = 0
        }
        // Language and literature beyond the best of each (rare resits) are further English; they do not count.
        let sortedEBacc = ebacc.sorted(by: >)
        let ebaccSlots = sortedEBacc.prefix(3).reduce(0, +)
        open += sortedEBacc.dropFirst(3)
        let openSlots = open.sorted(by: >).prefix(3).reduce(0, +)
        attainment8 = 2 * bestMaths + englishSlot + ebaccSlots + openSlots
        let bestEnglish = max(bestLanguage ?? -1, bestLiterature ?? -1)
        englishMaths4 = !maths.isEmpty && bestMaths >= 4 && bestEnglish >= 4
        englishMaths5 = !maths.isEmpty && bestMaths >= 5 && bestEnglish >= 5
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
