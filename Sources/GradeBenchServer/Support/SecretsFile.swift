import Foundation
import GradeBenchCore

/// Reads (or, on first use, creates with permissions 0600) the server's secrets file:
/// two lines `rekey=<64 hex>` and `data=<64 hex>`. It lives outside the database on purpose.
public enum SecretsFile {
    public struct Failure: GradeBenchError {
        public let message: String
        public var code: String { "secrets_invalid" }
    }

    public static func loadOrCreate(path: String) throws(Failure) -> ServerKeys {
        if !FileManager.default.fileExists(atPath: path) {
            var generator = SystemRandomNumberGenerator()
            func random() -> String { (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString }
            let text =
                "# GradeBench server secrets. Keep outside the database and back up separately.\nrekey=\(random())\ndata=\(random())\n"
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Failure(message: "The secrets file \(path) could not be created.")
            }
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failure(message: "The secrets file \(path) cannot be read.")
        }
        var values: [String: [UInt8]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let bytes = [UInt8](hex: parts[1]) else {
                throw Failure(message: "The secrets file \(path) has a line that is not 'name=<64 hex digits>'.")
            }
            values[parts[0]] = bytes
        }
        guard let rekey = values["rekey"], let dataKey = values["data"], let keys = ServerKeys(rekey: rekey, data: dataKey) else {
            throw Failure(message: "The secrets file \(path) must hold two different 32-byte keys, 'rekey' and 'data'.")
        }
        return keys
    }
}
