import Crypto
import Foundation
import Testing

@testable import GradeBenchCore

@Suite("Policies")
struct PolicyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func committedFiles() throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in PolicySet.fileNames {
            files[name] = Array(try Data(contentsOf: root.appendingPathComponent("policies").appendingPathComponent(name)))
        }
        return files
    }

    @Test func committedPoliciesHoldTheDesignDefaults() throws {
        let set = try PolicySet(files: try Self.committedFiles())
        let s = set.suppression
        #expect(s.pupilThreshold == 10 && s.schoolThreshold == 5)
        #expect(s.dominancePercent == 10 && s.dominanceCoalition == 2)
        #expect(s.secondarySuppression && s.minimumIntervalWidth == 10)
        #expect(s.roundingBase == 5)
        #expect(s.groupAttributeRule && s.groupAttributeMaximumOthers == 2)
        #expect(s.schoolPercentileMinimumSchools == 10)
        #expect(s.releaseGuard && s.releaseGuardMinimumPupils == 10 && s.releaseGuardMinimumSchools == 5)
        #expect(set.retention.withdrawalErasureDays == 90 && set.retention.cancellationErasureDays == 90)
        #expect(set.retention.rawDataMaximumYears == 8)
        #expect(set.consent.dataFields.map(\.field) == ["pupil", "subject", "grade", "pp", "fsm", "send", "gender", "eal"])
        #expect(!set.consent.purposes.isEmpty)
    }

    @Test func everyKeyHasAComment() throws {
        // Each key line is preceded (directly, or above its block) by a comment line.
        for (name, bytes) in try Self.committedFiles() {
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (index, line) in lines.enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                // A key line: `key:` at the top level or nested by two spaces (list items' fields, indented
                // further, are described by their list's comment).
                guard let colon = trimmed.firstIndex(of: ":"), !trimmed.hasPrefix("#"), !line.hasPrefix("    "),
                    trimmed[..<colon].allSatisfy({ $0.isLetter || $0 == "_" })
                else { continue }
                let previous = lines[index - 1].trimmingCharacters(in: .whitespaces)
                #expect(previous.hasPrefix("#"), "\(name): key on line \(index + 1) has no comment above it")
            }
        }
    }

    /// The version hash, recomputed here: SHA-256 over "name:sha256\n" for the three files in order.
    @Test func contentHashIsStableAndChangesWithAnyByte() throws {
        var files = try Self.committedFiles()
        let set = try PolicySet(files: files)
        let manifest = PolicySet.fileNames.map { name in
            "\(name):\(SHA256.hash(data: files[name]!).map { String(format: "%02x", $0) }.joined())\n"
        }.joined()
        #expect(set.hash == SHA256.hash(data: Data(manifest.utf8)).map { String(format: "%02x", $0) }.joined())
        files["retention.yaml"]! += Array("\n# a new comment\n".utf8)
        #expect(try PolicySet(files: files).hash != set.hash)
    }

    /// (file, line to find, replacement, key named in the error, problem)
    static let badCases: [(String, String, String, String, String)] = [
        ("suppression.yaml", "pupil_threshold: 10", "pupil_treshold: 10", "pupil_treshold", "is not a known key"),
        ("suppression.yaml", "pupil_threshold: 10", "pupil_threshold: 0", "pupil_threshold", "must be at least 1 (found 0)"),
        ("suppression.yaml", "school_threshold: 5", "school_threshold: five", "school_threshold", "must be a whole number"),
        ("suppression.yaml", "  base: 5", "  base: 0", "rounding.base", "must be at least 1 (found 0)"),
        ("suppression.yaml", "  p_percent: 10", "  p_percent: 150", "dominance.p_percent", "must be between 0 and 100 (found 150)"),
        ("suppression.yaml", "  coalition_size: 2", "  coalition_size: 8", "dominance.coalition_size", "must be at most 7 (found 8)"),
        ("suppression.yaml", "  coalition_size: 2", "  coalition_size: 0", "dominance.coalition_size", "must be at least 1 (found 0)"),
        (
            "suppression.yaml", "  enabled: true\n  # For every", "  enabled: yes please\n  # For every", "secondary_suppression.enabled",
            "must be true or false"
        ),
        ("suppression.yaml", "school_threshold: 5", "", "school_threshold", "is missing"),
        ("retention.yaml", "raw_data_maximum_years: 8", "raw_data_maximum_years: 8\nsurprise: 1", "surprise", "is not a known key"),
        ("consent.yaml", "title: \"Joining", "title: 12\nx_title: \"Joining", "x_title", "is not a known key"),
    ]

    @Test(arguments: 0..<badCases.count)
    func badPolicyNamesFileKeyAndProblem(index: Int) throws {
        let (file, find, replace, key, problem) = Self.badCases[index]
        var files = try Self.committedFiles()
        let text = String(decoding: files[file]!, as: UTF8.self)
        #expect(text.contains(find))
        files[file] = Array(text.replacingOccurrences(of: find, with: replace).utf8)
        let error = #expect(throws: PolicyError.self) { try PolicySet(files: files) }
        #expect(error?.file == "policies/\(file)")
        #expect(error?.key == key)
        #expect(error?.problem.hasPrefix(problem) == true, "\(error?.problem ?? "")")
        #expect(error?.message.contains("policies/\(file)") == true)
    }

    @Test func notYAMLAndMissingFiles() throws {
        var files = try Self.committedFiles()
        files["retention.yaml"] = Array("version: [1\n".utf8)
        #expect(throws: PolicyError(file: "policies/retention.yaml", key: "", problem: "is not valid YAML")) { try PolicySet(files: files) }
        files["retention.yaml"] = nil
        #expect(throws: PolicyError(file: "policies/retention.yaml", key: "", problem: "is missing")) { try PolicySet(files: files) }
    }
}
