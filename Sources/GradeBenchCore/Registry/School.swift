/// A school registered with GradeBench.
public struct School: Codable, Hashable, Sendable {
    public let urn: URN
    public let name: String
    public let region: String
    public let type: String
    public let phase: String
    public let sizeBand: String?
    public let disadvantageBand: String?

    public init(
        urn: URN, name: String, region: String, type: String, phase: String,
        sizeBand: String? = nil, disadvantageBand: String? = nil
    ) {
        self.urn = urn
        self.name = name
        self.region = region
        self.type = type
        self.phase = phase
        self.sizeBand = sizeBand
        self.disadvantageBand = disadvantageBand
    }
}

/// A data collection: one key stage, one academic year, one submission window.
public struct GradeCollection: Codable, Hashable, Sendable {
    public let id: String
    public let name: String
    public let keyStage: KeyStage
    public let academicYear: String
    /// Window, in seconds since 1970 (UTC); `nil` means unbounded on that side.
    public let opensAt: Int64?
    public let closesAt: Int64?

    public init(id: String, name: String, keyStage: KeyStage, academicYear: String, opensAt: Int64? = nil, closesAt: Int64? = nil) {
        self.id = id
        self.name = name
        self.keyStage = keyStage
        self.academicYear = academicYear
        self.opensAt = opensAt
        self.closesAt = closesAt
    }

    public func isOpen(at time: Int64) -> Bool {
        (opensAt.map { time >= $0 } ?? true) && (closesAt.map { time < $0 } ?? true)
    }
}
