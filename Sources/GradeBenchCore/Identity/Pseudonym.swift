/// School-side pseudonymisation: HMAC-SHA256 of the UPN under a key the school keeps, as 26 base32 characters
/// (130 bits). An unkeyed hash of a UPN is reversible by enumeration, so the key is essential.
public struct PseudonymKey: Sendable {
    private let hash: KeyedHash

    /// A key of exactly 32 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        hash = KeyedHash(key: bytes)
    }

    /// The pseudonym for one pupil identifier (upper-cased and trimmed first, so `a123…` and `A123…` agree).
    public func pseudonym(for identifier: String) -> String {
        Pseudonym.text(of: hash.authenticationCode(for: Array(identifier.trimmedBlanks.asciiUppercased.utf8)))
    }
}

public enum Pseudonym {
    public static let length = 26

    /// A MAC's first 130 bits as 26 base32 characters: the form of school pseudonyms and server-side pupil keys.
    static func text(of mac: [UInt8]) -> String {
        String(Base32.encode(mac).prefix(length))
    }

    /// Whether `text` has the shape of a pseudonym (26 characters of the RFC 4648 base32 alphabet).
    public static func isWellFormed(_ text: String) -> Bool {
        PseudonymBytes(text.utf8) != nil
    }
}

/// RFC 4648 base32 without padding.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: output, as: UTF8.self)
    }
}
