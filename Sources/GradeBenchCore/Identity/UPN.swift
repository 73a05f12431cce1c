/// The DfE unique pupil number: a check letter then 12 characters (digits; a temporary UPN ends in a letter).
///
/// GradeBench never stores a UPN. It validates them at the school (to catch typing errors before
/// pseudonymising) and rejects any submission cell that is one.
public enum UPN {
    static let checkLetters = Array("ABCDEFGHJKLMNPQRTUVWXYZ")

    /// Whether `text` is a UPN whose check letter is right (upper-case, no surrounding blanks).
    public static func isValid(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == 13 else { return false }
        var total = 0
        var position = 0
        var check: UInt8 = 0
        for byte in utf8 {
            defer { position += 1 }
            if position == 0 {
                check = byte
                continue
            }
            let value: Int
            if byte >= 0x30 && byte <= 0x39 {
                value = Int(byte - 0x30)
            } else if position == 12, let index = checkLetterBytes.firstIndex(of: byte) {
                value = index  // temporary UPN: final character is a letter worth its position
            } else {
                return false
            }
            total += (position + 1) * value
        }
        return check == checkLetterBytes[total % 23]
    }

    static let checkLetterBytes = Array("ABCDEFGHJKLMNPQRTUVWXYZ".utf8)

    /// The check letter for the 12 characters after it, or `nil` when they are not digits.
    public static func checkLetter(for digits: String) -> Character? {
        guard digits.count == 12, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        let total = digits.enumerated().reduce(0) { $0 + ($1.offset + 2) * Int(String($1.element))! }
        return checkLetters[total % 23]
    }
}
