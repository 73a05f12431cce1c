import Crypto
import Foundation

/// The server's two secrets, kept outside the database (so a database copy alone reveals nothing):
///
/// - the *re-keying key*: every pupil pseudonym a school submits is replaced, for everything that aggregates or
///   links rows, by HMAC-SHA256(re-keying key, URN ‖ pseudonym). A leaked school key plus a database copy cannot
///   link those keys back to UPNs without this secret;
/// - the *data key*: the school's own pseudonym is kept only sealed with AES-GCM under this key (the URN is bound as
///   authenticated data), so it can be shown back to that school alone.
public struct ServerKeys: Sendable {
    private let rekeyKey: SymmetricKey
    private let dataKey: SymmetricKey

    public init?(rekey: [UInt8], data: [UInt8]) {
        guard rekey.count == 32, data.count == 32, rekey != data else { return nil }
        rekeyKey = SymmetricKey(data: rekey)
        dataKey = SymmetricKey(data: data)
    }

    /// The server-side pupil key: links a pupil's rows within one school, never across schools.
    public func pupilKey(school: URN, pseudonym: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(school.rawValue):\(pseudonym)".utf8), using: rekeyKey)
        return String(Base32.encode(Array(mac)).prefix(Pseudonym.length))
    }

    /// Seals the school's pseudonym (nonce ‖ ciphertext ‖ tag).
    public func seal(pseudonym: String, school: URN) -> [UInt8] {
        let box = try! AES.GCM.seal(Data(pseudonym.utf8), using: dataKey, authenticating: Data(String(school.rawValue).utf8))
        return Array(box.combined!)
    }

    /// Opens a sealed pseudonym for its own school; `nil` when it was sealed for another school or altered.
    public func open(_ sealed: [UInt8], school: URN) -> String? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
            let plain = try? AES.GCM.open(box, using: dataKey, authenticating: Data(String(school.rawValue).utf8))
        else { return nil }
        return String(data: plain, encoding: .utf8)
    }
}
