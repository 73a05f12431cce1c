import GradeBenchCore
import GradeBenchServer
import Testing

@Suite("Policy files")
struct PolicyFilesTests {
    /// A command run outside the project's folder: the error names the folder and the way out, not a file.
    @Test func aMissingPolicyFolderIsNamedWithTheOption() {
        #expect {
            _ = try PolicyFiles.load(directory: "/nonexistent/policies")
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.code == "policy_invalid"
                && error.message == "Policy folder '/nonexistent/policies' does not exist or is not a folder: run from the project's folder, or pass --policies FOLDER."
        }
    }
}
