/// A synthetic school in a fixture set.
public struct FixtureSchool: Hashable, Sendable {
    public let urn: URN
    public let name: String
    public let region: String
    public let type: String
    /// `secondary` or `all-through` (an all-through school also has a KS2 cohort).
    public let phase: String
    public let sizeBand: String
    public let disadvantageBand: String
    public let hasSixthForm: Bool
    /// Mean attainment offset of the school (latent scale, standard deviations).
    let effect: Double
    /// Share of pupils eligible for pupil premium.
    let disadvantageRate: Double
    let ealRate: Double
    let ks4Cohort: Int
    let ks5Cohort: Int
    let ks2Cohort: Int

    public var hasKS2: Bool { phase == "all-through" }

    public static let csvHeader = ["urn", "name", "region", "type", "phase", "size_band", "disadvantage_band"]

    public var csvFields: [String] {
        [urn.description, name, region, type, phase, sizeBand, disadvantageBand]
    }
}

/// A collection in a fixture set.
public struct FixtureCollection: Hashable, Sendable {
    public let id: String
    public let name: String
    public let keyStage: KeyStage
    public let academicYear: String

    public static let csvHeader = ["id", "name", "key_stage", "academic_year"]
    public var csvFields: [String] { [id, name, keyStage.rawValue, academicYear] }
}
