import Crypto
import Foundation

/// The consent a school's system administrator agrees to (policies/consent.yaml).
public struct ConsentPolicy: Codable, Hashable, Sendable {
    public struct DataField: Codable, Hashable, Sendable {
        public let field: String
        public let description: String
    }

    public let title: String
    public let text: String
    public let purposes: [String]
    public let dataFields: [DataField]
    /// SHA-256 of `text`: what an administrator acknowledges when opting in.
    public let textHash: String

    public static let fileName = "consent.yaml"

    static func parse(_ text: String) throws(PolicyError) -> ConsentPolicy {
        let root = try PolicyReader.document(
            file: fileName, text: text, keys: ["version", "title", "text", "purposes", "data_fields"]
        )
        _ = try root.int("version", atLeast: 1)
        let body = try root.string("text")
        return ConsentPolicy(
            title: try root.string("title"),
            text: body,
            purposes: try root.strings("purposes"),
            dataFields: try root.list("data_fields", keys: ["field", "description"]) { item throws(PolicyError) in
                DataField(field: try item.string("field"), description: try item.string("description"))
            },
            textHash: SHA256.hash(data: Data(body.utf8)).hexString
        )
    }
}
