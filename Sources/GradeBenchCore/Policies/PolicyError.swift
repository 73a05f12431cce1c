/// A policy file that cannot be used: names the file, the key and the problem.
public struct PolicyError: GradeBenchError, Equatable {
    public let file: String
    /// Dotted key path (`rounding.base`), or empty for the file as a whole.
    public let key: String
    public let problem: String

    /// `file` names the policy folder, which is missing or not a folder.
    public let isFolder: Bool

    public init(file: String, key: String, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
        isFolder = false
    }

    /// The policy folder is missing or is not a folder.
    public init(folder: String) {
        file = folder
        key = ""
        problem = "does not exist or is not a folder"
        isFolder = true
    }

    public var code: String { "policy_invalid" }
    public var message: String {
        if isFolder {
            return "Policy folder '\(file)' \(problem): run from the project's folder, or pass --policies FOLDER."
        }
        return key.isEmpty ? "Policy file \(file): \(problem)." : "Policy file \(file), key '\(key)': \(problem)."
    }
}
