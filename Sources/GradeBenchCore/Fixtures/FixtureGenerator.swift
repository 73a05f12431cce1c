import Crypto
import Foundation

/// Generates deterministic synthetic benchmarking data: schools and one pseudonymised submission per school and
/// collection, in the DESIGN.md submission format. Nothing here resembles a real pupil or school: URNs are in the
/// 9xxxxx range, names say "Synthetic", pupils exist only as pseudonyms of made-up identifiers.
///
/// Attainment is drawn from a latent ability (school effect + group gaps + individual variation, scaled to unit
/// variance) mapped through the national grade mix, so the overall GCSE mix is close to the target and
/// disadvantaged, SEN and low-attaining schools sit lower on average, as in national data.
public struct FixtureGenerator: Sendable {
    public let seed: UInt64
    public let schools: [FixtureSchool]
    public let collections: [FixtureCollection]
    let catalogue: SubjectCatalogue

    /// National GCSE 9–1 mix the KS4 fixtures aim for (9, 8, …, 1, U), in percent.
    public static let gcseTargetShares: [(String, Double)] = [
        ("9", 4.5), ("8", 7.3), ("7", 11.2), ("6", 15.0), ("5", 15.8), ("4", 16.8), ("3", 12.8), ("2", 7.8),
        ("1", 5.8), ("U", 2.9),
    ]
    static let gcseTargetMix = GradeMix(gcseTargetShares)
    static let aLevelMix = GradeMix([
        ("A*", 9), ("A", 19), ("B", 25), ("C", 22), ("D", 14), ("E", 7), ("U", 4),
    ])
    static let btecMix = GradeMix([
        ("L2D*", 5), ("L2D", 11), ("L2M", 24), ("L2P", 30), ("L1D", 10), ("L1M", 8), ("L1P", 7), ("U", 5),
    ])
    static let writingMix = GradeMix([
        ("GDS", 13), ("EXS", 59), ("WTS", 21), ("PK6", 3), ("PK5", 1.5), ("PK4", 1), ("PK3", 0.5), ("PK2", 0.3),
        ("PK1", 0.2), ("EM", 0.5),
    ])

    static let regions = [
        "North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
        "East of England", "London", "South East", "South West",
    ]
    static let regionWeights = [5.0, 13, 10, 9, 11, 11, 15, 16, 10]

    public init(schools count: Int, seed: UInt64, academicYear: String = "2025/26") {
        self.seed = seed
        self.catalogue = .standard
        var random = FixtureRandom(seed: seed, stream: "schools")
        var schools: [FixtureSchool] = []
        for index in 0..<count {
            let region = Self.regions[random.weighted(Self.regionWeights)]
            let type = ["academy", "maintained", "free school"][random.weighted([78, 17, 5])]
            let allThrough = random.chance(0.25)
            let disadvantage = random.uniform(0.08...0.55)
            let effect = 0.25 * random.normal() - 0.6 * (disadvantage - 0.27)
            let ks4 = random.integer(80...320)
            let band: String = ks4 < 150 ? "small" : ks4 <= 250 ? "medium" : "large"
            let disadvantageBand = disadvantage < 0.2 ? "low" : disadvantage <= 0.35 ? "middle" : "high"
            schools.append(
                FixtureSchool(
                    urn: URN(rawValue: 900_001 + index)!,
                    name: String(format: "Synthetic %@ %04d", allThrough ? "All-through School" : "Academy", index + 1),
                    region: region, type: type, phase: allThrough ? "all-through" : "secondary",
                    sizeBand: band, disadvantageBand: disadvantageBand,
                    hasSixthForm: random.chance(0.55),
                    effect: effect, disadvantageRate: disadvantage,
                    ealRate: region == "London" ? random.uniform(0.2...0.6) : random.uniform(0.02...0.3),
                    ks4Cohort: ks4, ks5Cohort: random.integer(40...180), ks2Cohort: random.integer(30...90)
                )
            )
        }
        self.schools = schools
        let year = academicYear.suffix(2)
        self.collections = [
            FixtureCollection(id: "ks4-20\(year)", name: "KS4 GCSE results \(academicYear)", keyStage: .ks4, academicYear: academicYear),
            FixtureCollection(id: "ks5-20\(year)", name: "KS5 A level results \(academicYear)", keyStage: .ks5, academicYear: academicYear),
            FixtureCollection(id: "ks2-20\(year)", name: "KS2 results \(academicYear)", keyStage: .ks2, academicYear: academicYear),
        ]
    }

    /// Schools that take part in a collection.
    public func schools(in collection: FixtureCollection) -> [FixtureSchool] {
        switch collection.keyStage {
        case .ks4: schools
        case .ks5: schools.filter(\.hasSixthForm)
        case .ks2: schools.filter(\.hasKS2)
        case .eyfs: []
        }
    }

    public static let submissionHeader = ["pupil", "subject", "grade", "pp", "fsm", "send", "gender", "eal"]

    /// The school's pseudonymised submission CSV for the collection (header included).
    public func submission(for school: FixtureSchool, in collection: FixtureCollection) -> String {
        var random = FixtureRandom(seed: seed, stream: "\(collection.id)/\(school.urn)")
        let key = PseudonymKey(bytes: Array(SHA256.hash(data: Data("gradebench-fixture/\(seed)/\(school.urn)".utf8))))!
        var out = CSVWriter.line(Self.submissionHeader)
        let cohort: Int
        switch collection.keyStage {
        case .ks4: cohort = school.ks4Cohort
        case .ks5: cohort = school.ks5Cohort
        case .ks2: cohort = school.ks2Cohort
        case .eyfs: cohort = 0
        }
        for index in 0..<cohort {
            let pupil = SyntheticPupil(random: &random, school: school)
            let pseudonym = key.pseudonym(for: "\(collection.id)-pupil-\(index)")
            for (subject, grade) in results(for: pupil, keyStage: collection.keyStage, random: &random) {
                out += CSVWriter.line([pseudonym, subject, grade] + pupil.characteristics)
            }
        }
        return out
    }

    private func results(for pupil: SyntheticPupil, keyStage: KeyStage, random: inout FixtureRandom) -> [(String, String)] {
        switch keyStage {
        case .ks4: ks4Results(pupil, &random)
        case .ks5: ks5Results(pupil, &random)
        case .ks2: ks2Results(pupil, &random)
        case .eyfs: []
        }
    }

    private func ks4Results(_ pupil: SyntheticPupil, _ random: inout FixtureRandom) -> [(String, String)] {
        var subjects = ["MATH", "ENGLANG"]
        if random.chance(0.9) { subjects.append("ENGLIT") }
        let triple = random.chance(pupil.ability > 0.5 ? 0.3 : 0.15)
        if triple { subjects += ["BIO", "CHEM", "PHYS"] } else if random.chance(0.94) { subjects.append("COMBSCI") }
        if random.chance(0.12) { subjects.append("COMPSCI") }
        if random.chance(0.45) { subjects.append("HIST") }
        if random.chance(subjects.contains("HIST") ? 0.25 : 0.7) { subjects.append("GEOG") }
        if random.chance(0.42) { subjects.append(["FREN", "SPAN", "GERM"][random.weighted([45, 40, 15])]) }
        var options = ["ART", "DT", "DRAMA", "MUSIC", "PE", "RS", "BUS", "FOOD", "MEDIA", "SOCIOL", "BTEC-SPORT", "BTEC-HSC"]
        var weights = [14.0, 9, 7, 5, 8, 14, 10, 7, 4, 5, 9, 6]
        let target = 8 + random.weighted([30, 45, 25])
        // 8–10 results per pupil (mean ≈ 9, as nationally: ~5.4 million grades for ~600,000 pupils).
        while subjects.count < target && !options.isEmpty {
            let pick = random.weighted(weights)
            subjects.append(options.remove(at: pick))
            weights.remove(at: pick)
        }
        return subjects.map { code in
            if random.chance(0.004) { return (code, "X") }
            let latent = pupil.subjectLatent(&random)
            switch code {
            case "COMBSCI":
                let high = Self.grade(latent + 0.18, mix: Self.gcseTargetMix)
                let low = Self.grade(latent - 0.18, mix: Self.gcseTargetMix)
                return (code, Self.combinedScienceGrade(high: high, low: low))
            case "BTEC-SPORT", "BTEC-HSC":
                return (code, Self.grade(latent, mix: Self.btecMix))
            default:
                return (code, Self.grade(latent, mix: Self.gcseTargetMix))
            }
        }
    }

    private func ks5Results(_ pupil: SyntheticPupil, _ random: inout FixtureRandom) -> [(String, String)] {
        var options = [
            "AL-MATH", "AL-BIO", "AL-CHEM", "AL-PSYCH", "AL-ENGLIT", "AL-HIST", "AL-GEOG", "AL-SOCIOL", "AL-ECON",
            "AL-BUS", "AL-ART", "AL-PHYS", "AL-COMPSCI", "AL-POL", "AL-FMATH", "AL-FREN", "AL-SPAN", "AL-MEDIA",
        ]
        var weights = [16.0, 11, 9, 12, 6, 7, 5, 8, 5, 6, 5, 5, 3, 4, 2, 1.5, 1.5, 3]
        let count = random.chance(0.15) ? 4 : 3
        var results: [(String, String)] = []
        for _ in 0..<count {
            let pick = random.weighted(weights)
            let code = options.remove(at: pick)
            weights.remove(at: pick)
            results.append((code, Self.grade(pupil.subjectLatent(&random), mix: Self.aLevelMix)))
        }
        return results
    }

    private func ks2Results(_ pupil: SyntheticPupil, _ random: inout FixtureRandom) -> [(String, String)] {
        func score(_ mean: Double) -> String {
            String(min(120, max(80, Int((mean + 7.5 * pupil.subjectLatent(&random)).rounded()))))
        }
        var results = [("KS2-READ", score(105)), ("KS2-MATH", score(104.5)), ("KS2-GPS", score(105))]
        results.append(("KS2-WRIT", Self.grade(pupil.subjectLatent(&random), mix: Self.writingMix)))
        return results.map { random.chance(0.01) ? ($0.0, "ABS") : $0 }
    }

    /// The grade whose band of the standard normal contains `latent`.
    static func grade(_ latent: Double, mix: GradeMix) -> String {
        for (index, threshold) in mix.thresholds.enumerated() where latent >= threshold { return mix.grades[index] }
        return mix.grades.last!
    }

    /// Combined science double grade from two single grades (equal or one apart, higher first).
    static func combinedScienceGrade(high: String, low: String) -> String {
        guard let a = Int(high) else { return "U" }
        let b = Int(low) ?? 0
        let top = max(a, b)
        let bottom = max(top - 1, min(a, b))
        return bottom == 0 ? (top == 1 ? "1-1" : "U") : "\(top)-\(bottom)"
    }
}

/// One made-up pupil: characteristics and a latent ability (standard normal over the population).
struct SyntheticPupil {
    let ability: Double
    let characteristics: [String]

    init(random: inout FixtureRandom, school: FixtureSchool) {
        let pp = random.chance(school.disadvantageRate)
        let fsm = pp ? random.chance(0.8) : random.chance(0.02)
        let send = ["N", "K", "E"][random.weighted([84, 13, 3])]
        let gender = ["F", "M", "X"][random.weighted([49.5, 49.5, 1])]
        let eal = random.chance(school.ealRate)
        var latent = school.effect + 0.27 + 0.894 * random.normal()
        if pp { latent -= 0.45 }
        if send == "K" { latent -= 0.55 } else if send == "E" { latent -= 1.3 }
        if gender == "F" { latent += 0.08 } else if gender == "M" { latent -= 0.08 }
        if eal { latent += 0.05 }
        ability = latent
        characteristics = [pp ? "Y" : "N", fsm ? "Y" : "N", send, gender, eal ? "Y" : "N"]
    }

    /// A subject's latent: mostly the pupil's ability, partly the subject and the day.
    func subjectLatent(_ random: inout FixtureRandom) -> Double { 0.85 * ability + 0.527 * random.normal() }
}

/// Grades (highest first) with the standard-normal thresholds that give each its share.
struct GradeMix: Sendable {
    let grades: [String]
    let thresholds: [Double]

    init(_ shares: [(String, Double)]) {
        let total = shares.reduce(0) { $0 + $1.1 }
        var cumulative = 0.0
        var thresholds: [Double] = []
        for (_, share) in shares.dropLast() {
            cumulative += share / total
            thresholds.append(inverseNormalCDF(1 - cumulative))
        }
        self.grades = shares.map(\.0)
        self.thresholds = thresholds
    }
}
