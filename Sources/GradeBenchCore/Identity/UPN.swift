/// The DfE unique pupil number: a check letter then 12 characters (digits; a temporary UPN ends in a letter).
///
/// GradeBench never stores a UPN. It validates them at the school (to catch typing errors before
/// pseudonymising) and rejects any submission cell that is one.
public enum UPN {
    static let checkLetters = Array("ABCDEFGHJKLMNPQRTUVWXYZ")

    /// Whether `text` is a UPN whose check letter is right.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        let chars = Array(text.utf8)
        guard chars.count == 13 else { return false }
        var total = 0
        for (offset, byte) in chars.dropFirst().enumerated() {
            let value: Int
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                value = Int(byte - UInt8(ascii: "0"))
            } else if offset == 11, let index = checkLetters.firstIndex(of: Character(UnicodeScalar(byte))) {
                value = index  // temporary UPN: final character is a letter worth its position
            } else {
                return false
            }
            total += (offset + 2) * value
        }
        return chars[0] == checkLetters[total % 23].asciiValue
    }

    /// The check letter for the 12 characters after it, or `nil` when they are not digits.
    public static func checkLetter(for digits: String) -> Character? {
        guard digits.count == 12, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        let total = digits.enumerated().reduce(0) { $0 + ($1.offset + 2) * Int(String($1.element))! }
        return checkLetters[total % 23]
    }
}
