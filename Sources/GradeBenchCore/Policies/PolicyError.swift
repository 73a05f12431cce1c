/// A policy file that cannot be used: names the file, the key and the problem.
public struct PolicyError: GradeBenchError, Equatable {
    public let file: String
    /// Dotted key path (`rounding.base`), or empty for the file as a whole.
    public let key: String
    public let problem: String

    public init(file: String, key: String, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    public var code: String { "policy_invalid" }
    public var message: String {
        key.isEmpty ? "Policy file \(file): \(problem)." : "Policy file \(file), key '\(key)': \(problem)."
    }
}
