/// Up to 15 bytes packed into two words with their length: a cheap dictionary key for the short ASCII codes
/// (subjects, grades) read straight from a submission's bytes, without building a `String` per field.
struct ShortCode: Hashable, Sendable {
    private let low: UInt64
    private let high: UInt64

    static let capacity = 15

    /// `nil` when there are more than 15 bytes (no catalogue code is that long).
    init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count <= Self.capacity else { return nil }
        var low: UInt64 = 0
        var high = UInt64(bytes.count) << 56
        var shift: UInt64 = 0
        for byte in bytes {
            if shift < 64 {
                low |= UInt64(byte) << shift
            } else {
                high |= UInt64(byte) << (shift - 64)
            }
            shift += 8
        }
        self.low = low
        self.high = high
    }

    init?(_ text: String) { self.init(text.utf8) }
}

extension BidirectionalCollection<UInt8> {
    /// The bytes without leading and trailing spaces and tabs (as `String.trimmedBlanks`).
    var trimmedBlanks: SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == 0x20 || self[start] == 0x09 { formIndex(after: &start) }
        while end > start, self[index(before: end)] == 0x20 || self[index(before: end)] == 0x09 { formIndex(before: &end) }
        return self[start..<end]
    }

    /// ASCII upper-casing (as `String.asciiUppercased`).
    var asciiUppercased: [UInt8] { map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 } }
}
