import Crypto
import Foundation

/// The three policy files, validated, with their content hashes.
///
/// A policy version is identified by `hash`: SHA-256 over each file's name and SHA-256, so changing any byte of
/// any file (comments included: the DPO approves the text as written) makes a new version.
public struct PolicySet: Sendable, Hashable {
    public let suppression: SuppressionPolicy
    public let consent: ConsentPolicy
    public let retention: RetentionPolicy
    /// SHA-256 of each file's bytes, by file name.
    public let fileHashes: [String: String]
    /// The version hash of the whole set.
    public let hash: String

    public static let fileNames = [SuppressionPolicy.fileName, ConsentPolicy.fileName, RetentionPolicy.fileName]

    /// Validates the files' contents, given by file name. `directory` only prefixes names in errors.
    public init(files: [String: [UInt8]], directory: String = "policies") throws(PolicyError) {
        func text(_ name: String) throws(PolicyError) -> String {
            let shown = directory.isEmpty ? name : "\(directory)/\(name)"
            guard let bytes = files[name] else { throw PolicyError(file: shown, key: "", problem: "is missing") }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw PolicyError(file: shown, key: "", problem: "is not UTF-8 text")
            }
            return text
        }
        func prefixed<T>(_ body: () throws(PolicyError) -> T) throws(PolicyError) -> T {
            do { return try body() } catch {
                let shown = directory.isEmpty ? error.file : "\(directory)/\(error.file)"
                throw PolicyError(file: shown, key: error.key, problem: error.problem)
            }
        }
        let suppressionText = try text(SuppressionPolicy.fileName)
        let consentText = try text(ConsentPolicy.fileName)
        let retentionText = try text(RetentionPolicy.fileName)
        suppression = try prefixed { () throws(PolicyError) in try SuppressionPolicy.parse(suppressionText) }
        consent = try prefixed { () throws(PolicyError) in try ConsentPolicy.parse(consentText) }
        retention = try prefixed { () throws(PolicyError) in try RetentionPolicy.parse(retentionText) }
        var hashes: [String: String] = [:]
        for name in Self.fileNames { hashes[name] = SHA256.hash(data: files[name]!).hexString }
        fileHashes = hashes
        let manifest = Self.fileNames.map { "\($0):\(hashes[$0]!)\n" }.joined()
        hash = SHA256.hash(data: Data(manifest.utf8)).hexString
    }
}
