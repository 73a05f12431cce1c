/// Disclosure-control settings (policies/suppression.yaml). Defaults and reasoning: DESIGN.md.
public struct SuppressionPolicy: Codable, Hashable, Sendable {
    public var pupilThreshold: Int
    public var schoolThreshold: Int
    public var dominancePercent: Double
    public var dominanceCoalition: Int
    public var secondarySuppression: Bool
    public var minimumIntervalWidth: Int
    public var roundingBase: Int
    public var groupAttributeRule: Bool
    public var groupAttributeMaximumOthers: Int
    public var schoolPercentileMinimumSchools: Int
    public var releaseGuard: Bool
    public var releaseGuardMinimumPupils: Int
    public var releaseGuardMinimumSchools: Int

    public static let fileName = "suppression.yaml"

    static func parse(_ text: String) throws(PolicyError) -> SuppressionPolicy {
        let root = try PolicyReader.document(
            file: fileName, text: text,
            keys: [
                "version", "pupil_threshold", "school_threshold", "dominance", "secondary_suppression", "rounding",
                "group_attribute", "school_percentiles", "release_guard",
            ]
        )
        _ = try root.int("version", atLeast: 1)
        let dominance = try root.mapping("dominance", keys: ["p_percent", "coalition_size"])
        let secondary = try root.mapping("secondary_suppression", keys: ["enabled", "minimum_interval_width"])
        let rounding = try root.mapping("rounding", keys: ["base"])
        let group = try root.mapping("group_attribute", keys: ["enabled", "maximum_others"])
        let percentiles = try root.mapping("school_percentiles", keys: ["minimum_schools"])
        let guardKeys = ["enabled", "minimum_pupil_difference", "minimum_school_difference"]
        let guardReader = try root.mapping("release_guard", keys: guardKeys)
        return SuppressionPolicy(
            pupilThreshold: try root.int("pupil_threshold", atLeast: 1),
            schoolThreshold: try root.int("school_threshold", atLeast: 1),
            dominancePercent: try dominance.number("p_percent", in: 0...100),
            dominanceCoalition: try dominance.int("coalition_size", in: 1...CellStatistics.maximumCoalition),
            secondarySuppression: try secondary.bool("enabled"),
            minimumIntervalWidth: try secondary.int("minimum_interval_width", atLeast: 1),
            roundingBase: try rounding.int("base", atLeast: 1),
            groupAttributeRule: try group.bool("enabled"),
            groupAttributeMaximumOthers: try group.int("maximum_others", atLeast: 0),
            schoolPercentileMinimumSchools: try percentiles.int("minimum_schools", atLeast: 1),
            releaseGuard: try guardReader.bool("enabled"),
            releaseGuardMinimumPupils: try guardReader.int("minimum_pupil_difference", atLeast: 1),
            releaseGuardMinimumSchools: try guardReader.int("minimum_school_difference", atLeast: 1)
        )
    }
}
