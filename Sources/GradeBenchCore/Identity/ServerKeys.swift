import Crypto
import Foundation

/// The server's two secrets, kept outside the database (so a database copy alone reveals nothing):
///
/// - the *re-keying key*: every pupil pseudonym a school submits is replaced, for everything that aggregates or
///   links rows, by HMAC-SHA256(re-keying key, URN ‖ pseudonym). A leaked school key plus a database copy cannot
///   link those keys back to UPNs without this secret;
/// - the *data key*: the school's own pseudonyms are kept only sealed with AES-GCM under this key (one box per
///   submission, the URN bound as authenticated data), so they can be shown back to that school alone.
public struct ServerKeys: Sendable {
    private let rekey: KeyedHash
    private let dataKey: SymmetricKey

    public init?(rekey: [UInt8], data: [UInt8]) {
        guard rekey.count == 32, data.count == 32, rekey != data else { return nil }
        self.rekey = KeyedHash(key: rekey)
        dataKey = SymmetricKey(data: data)
    }

    /// The server-side pupil key: links a pupil's rows within one school, never across schools.
    public func pupilKey(school: URN, pseudonym: String) -> String {
        Pseudonym.text(of: rekey.authenticationCode(for: Array("\(school.rawValue):\(pseudonym)".utf8)))
    }

    /// Seals a submission's pseudonyms, in pupil order, as one AES-GCM box (nonce ‖ ciphertext ‖ tag) bound to the
    /// school: stored rows refer to a pseudonym by its position. One seal per submission, not per pupil.
    public func seal(pseudonyms: [String], school: URN) -> [UInt8] {
        precondition(pseudonyms.allSatisfy { !$0.utf8.contains(UInt8(ascii: "\n")) }, "pseudonyms never hold a line break")
        let plain = Array(pseudonyms.joined(separator: "\n").utf8)
        let box = try! AES.GCM.seal(plain, using: dataKey, authenticating: Self.associatedData(school))
        return Array(box.combined!)
    }

    /// Opens sealed pseudonyms for their own school; `nil` when they were sealed for another school or altered.
    public func open(pseudonyms sealed: [UInt8], school: URN) -> [String]? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
            let plain = try? AES.GCM.open(box, using: dataKey, authenticating: Self.associatedData(school))
        else { return nil }
        return plain.isEmpty
            ? [] : String(decoding: plain, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private static func associatedData(_ school: URN) -> [UInt8] { Array("gradebench-pseudonyms:\(school.rawValue)".utf8) }
}
