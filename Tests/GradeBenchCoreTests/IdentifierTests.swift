import Crypto
import Testing

@testable import GradeBenchCore

@Suite("UPNs and pseudonyms")
struct IdentifierTests {
    // Check letter worked by hand: weights 2…13 over the 12 characters after the letter, sum mod 23, into
    // ABCDEFGHJKLMNPQRTUVWXYZ. For 000000000001: 13 × 1 = 13 → P. For 123456789012:
    // 2·1+3·2+4·3+5·4+6·5+7·6+8·7+9·8+10·9+11·0+12·1+13·2 = 368; 368 mod 23 = 0 → A.
    @Test func checkLetters() {
        #expect(UPN.checkLetter(for: "000000000001") == "P")
        #expect(UPN.checkLetter(for: "123456789012") == "A")
        #expect(UPN.isValid("P000000000001"))
        #expect(UPN.isValid("A123456789012"))
        #expect(!UPN.isValid("B123456789012"))
        #expect(!UPN.isValid("A12345678901"))
        #expect(!UPN.isValid("A12345678901X2"))
    }

    @Test func base32MatchesRFC4648() {
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (input, output) in vectors { #expect(Base32.encode(Array(input.utf8)) == output) }
    }

    /// Expected values computed with Python: base64.b32encode(hmac.new(bytes(range(32)), upn, sha256).digest())[:26]
    @Test func pseudonymIsKeyedHMACInBase32() throws {
        let key = try #require(PseudonymKey(bytes: Array(0..<32)))
        #expect(key.pseudonym(for: "A123456789012") == "257E5MBHMBOT4MNGQ62532HZES")
        #expect(key.pseudonym(for: " a123456789012 ") == "257E5MBHMBOT4MNGQ62532HZES")
        #expect(Pseudonym.isWellFormed(key.pseudonym(for: "A123456789012")))
        let other = try #require(PseudonymKey(bytes: Array(repeating: 7, count: 32)))
        #expect(other.pseudonym(for: "A123456789012") != "257E5MBHMBOT4MNGQ62532HZES")
        #expect(PseudonymKey(bytes: Array(0..<16)) == nil)
    }

    /// RFC 4231 test case 2, and agreement with swift-crypto's `HMAC<SHA256>` for messages of many lengths.
    @Test func keyedHashIsHMACSHA256() {
        let jefe = KeyedHash(key: Array("Jefe".utf8)).authenticationCode(for: Array("what do ya want for nothing?".utf8))
        #expect(jefe.hexString == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let key = (0..<32).map { UInt8($0 * 7 & 0xFF) }
        let hash = KeyedHash(key: key)
        for length in [0, 1, 55, 56, 63, 64, 65, 200] {
            let message = (0..<length).map { UInt8($0 & 0xFF) }
            let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
            #expect(hash.authenticationCode(for: message) == expected, "length \(length)")
        }
    }

    @Test func sealedPseudonymsOpenOnlyForTheirSchool() throws {
        let keys = try #require(ServerKeys(rekey: Array(repeating: 1, count: 32), data: Array(repeating: 2, count: 32)))
        let a = try #require(URN(rawValue: 100_001))
        let b = try #require(URN(rawValue: 100_002))
        let list = ["AAAAAAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBBBBBB"]
        let sealed = keys.seal(pseudonyms: list, school: a)
        #expect(keys.open(pseudonyms: sealed, school: a) == list)
        #expect(keys.open(pseudonyms: sealed, school: b) == nil)
        var altered = sealed
        altered[20] ^= 1
        #expect(keys.open(pseudonyms: altered, school: a) == nil)
        #expect(keys.seal(pseudonyms: list, school: a) != sealed)  // a fresh nonce every time
    }
}
