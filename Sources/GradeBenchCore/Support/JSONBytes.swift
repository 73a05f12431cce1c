import Dispatch
import Synchronization

/// A small JSON writer for the large documents GradeBench stores (snapshots, suppression reports): compact, keys
/// written in the order the caller gives (callers give them sorted, so the same content is the same bytes), numbers as
/// `JSONEncoder` writes them (integral doubles without `.0`), strings escaped as `JSONEncoder` escapes them. It is
/// many times faster than `JSONEncoder` over a snapshot's hundreds of thousands of values; reading stays `Decodable`.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []
    /// Per open object or array: whether it has a member yet.
    private var started: [Bool] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func object(_ body: (inout JSONBytes) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    mutating func array<S: Sequence>(_ elements: S, _ body: (inout JSONBytes, S.Element) -> Void) {
        open(UInt8(ascii: "["))
        for element in elements {
            separate()
            body(&self, element)
        }
        close(UInt8(ascii: "]"))
    }

    /// `"name":` inside an object; the value follows.
    mutating func key(named name: String) {
        separate()
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// `"name":` for a key written in the code (letters, digits): copied as it is, without the escape scan (a snapshot
    /// writes hundreds of thousands of them).
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { text in
            assert(text.allSatisfy { $0 > 0x20 && $0 < 0x7F && !"\"\\/".utf8.contains($0) }, "a key that needs no escaping")
            bytes.append(contentsOf: text)
        }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        defer { bytes.append(UInt8(ascii: "\"")) }
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "/") }) {
            bytes.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "/"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "/")]
            case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
    }

    /// Digits appended highest first (no reversing of a slice of `bytes`, which copied: a national snapshot writes
    /// about a million numbers).
    mutating func number(_ value: Int) { bytes.appendDecimal(value) }

    mutating func number(_ value: Double) {
        if value == value.rounded(), value.magnitude < 1e15, !(value == 0 && value.sign == .minus) {
            number(Int(value))
            return
        }
        // One or two decimals (percentages, means): the digits of k ÷ 10 or k ÷ 100. That decimal is the value's
        // shortest round-trip form, which is what `description` prints, without building a `String`.
        if value != 0, value.magnitude < 1e12 {
            for places in 1...2 {
                let scale = places == 1 ? 10.0 : 100.0
                let scaled = (value * scale).rounded()
                guard scaled / scale == value else { continue }
                var digits = Int(scaled.magnitude)
                if value < 0 { bytes.append(UInt8(ascii: "-")) }
                number(digits / (places == 1 ? 10 : 100))
                bytes.append(UInt8(ascii: "."))
                digits %= places == 1 ? 10 : 100
                if places == 2 { bytes.append(UInt8(ascii: "0") + UInt8(digits / 10)) }
                bytes.append(UInt8(ascii: "0") + UInt8(digits % 10))
                return
            }
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes += Array(text.utf8)
    }

    /// A published figure, or the GSS symbol `c`.
    mutating func published(_ value: Published<Int>) {
        switch value {
        case .value(let figure): number(figure)
        case .suppressed: string("c")
        }
    }

    mutating func published(_ value: Published<Double>) {
        switch value {
        case .value(let figure): number(figure)
        case .suppressed: string("c")
        }
    }

    /// An array of `elements` written in `parts` slices at once (on as many threads), then joined: the same bytes as
    /// `array(elements, body)`.
    mutating func array<T: Sendable>(_ elements: [T], parts: Int, _ body: @Sendable (inout JSONBytes, T) -> Void) {
        let parts = max(1, min(parts, elements.count))
        let slices = Mutex([Int: [UInt8]]())
        let capacity = (bytes.capacity - bytes.count) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var json = JSONBytes(capacity: capacity)
            json.array(elements[(elements.count * part / parts)..<(elements.count * (part + 1) / parts)], body)
            slices.withLock { $0[part] = json.bytes }
        }
        open(UInt8(ascii: "["))
        slices.withLock { slices in
            for part in 0..<parts where slices[part]!.count > 2 {
                separate()
                bytes += slices[part]![1..<(slices[part]!.count - 1)]
            }
        }
        close(UInt8(ascii: "]"))
    }

    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        started.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        started.removeLast()
        bytes.append(bracket)
    }

    /// A comma before every member but the first.
    private mutating func separate() {
        guard let last = started.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) }
        started[started.count - 1] = true
    }
}

extension Array<UInt8> {
    /// `value` in decimal digits (a leading `-` when negative), without making a string.
    mutating func appendDecimal(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        repeat {
            append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        } while divisor > 0
    }
}
