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
}
