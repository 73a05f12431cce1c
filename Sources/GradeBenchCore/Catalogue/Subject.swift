/// Key stages GradeBench collects.
public enum KeyStage: String, Codable, CaseIterable, Sendable {
    case eyfs = "EYFS"
    case ks2 = "KS2"
    case ks4 = "KS4"
    case ks5 = "KS5"
}

/// Which Attainment 8 EBacc slot family a KS4 subject counts in.
public enum EBaccCategory: String, Codable, CaseIterable, Sendable {
    case science
    case humanities
    case languages
}

/// Marks the two English GCSEs for the Attainment 8 English rule.
public enum EnglishComponent: String, Codable, Sendable {
    case language
    case literature
}

/// One subject in the catalogue.
public struct Subject: Hashable, Codable, Sendable {
    public let code: String
    public let name: String
    public let scale: GradeScale
    public let keyStage: KeyStage
    public let ebacc: EBaccCategory?
    public let english: EnglishComponent?
    public let isMaths: Bool

    public init(
        code: String, name: String, scale: GradeScale, keyStage: KeyStage,
        ebacc: EBaccCategory? = nil, english: EnglishComponent? = nil, isMaths: Bool = false
    ) {
        self.code = code
        self.name = name
        self.scale = scale
        self.keyStage = keyStage
        self.ebacc = ebacc
        self.english = english
        self.isMaths = isMaths
    }
}
