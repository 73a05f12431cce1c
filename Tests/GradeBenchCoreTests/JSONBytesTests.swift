import Foundation
import Testing

@testable import GradeBenchCore

/// The snapshot writer's numbers and arrays, checked against Foundation's `JSONEncoder` (an independent writer).
@Suite("JSON writer")
struct JSONBytesTests {
    static func written(_ value: Double) -> String {
        var json = JSONBytes()
        json.number(value)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    static func encoder(_ value: Double) throws -> String {
        String(decoding: try JSONEncoder().encode([value]), as: UTF8.self).dropFirst().dropLast().description
    }

    /// Percentages and means (one or two decimals) take a fast path; everything else the standard library's.
    @Test func numbersAreWrittenAsJSONEncoderWritesThem() throws {
        var values: [Double] = []
        for k in stride(from: -20_000, through: 200_000, by: 7) {
            values += [Double(k) / 10, Double(k) / 100, Double(k) / 1000, Double(k) * 0.1, Double(k) * 0.01]
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { values.append(Double.random(in: -1e6...1e6, using: &generator)) }
        values += [0, -0.0, 0.5, -0.5, 1e-5, 123456789.25, 99.99, 0.07, 4.1, 1e11 + 0.5, 1e13 + 0.1]
        for value in values {
            #expect(Self.written(value) == (try Self.encoder(value)), "\(value)")
        }
    }

    /// Whole numbers (counts, URNs, ranks) against the standard library's decimal form.
    @Test(arguments: [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 598_860, 9_999_999, -1, -10, -12345, Int.max, Int.min, Int.max / 10])
    func integersAreWrittenInDecimal(value: Int) {
        var json = JSONBytes()
        json.number(value)
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(value))
    }

    /// Keys written in the code are copied as they are; keys from data are escaped: both as `JSONEncoder` writes them.
    @Test func keysAreWrittenAsJSONEncoderWritesThem() throws {
        var json = JSONBytes()
        json.object { json in
            json.key("cumulativePercent")
            json.number(1)
            json.key(named: "a\"b/c\\d\n")
            json.number(2)
        }
        let expected = try JSONEncoder().encode(["cumulativePercent": 1, "a\"b/c\\d\n": 2]).count
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"cumulativePercent":1,"a\"b\/c\\d\n":2}"#)
        #expect(json.bytes.count == expected)
    }

    @Test func anArrayWrittenInSlicesIsTheSameBytes() {
        for count in [0, 1, 2, 3, 10, 101] {
            let elements = (0..<count).map { ["n": $0, "m": $0 * 3] }
            for parts in [1, 2, 3, 7] {
                var serial = JSONBytes()
                var sliced = JSONBytes()
                serial.object { json in
                    json.key("a")
                    json.array(elements) { json, element in json.number(element["n"]!) }
                    json.key("b")
                    json.number(1)
                }
                sliced.object { json in
                    json.key("a")
                    json.array(elements, parts: parts) { json, element in json.number(element["n"]!) }
                    json.key("b")
                    json.number(1)
                }
                #expect(sliced.bytes == serial.bytes, "\(count) elements in \(parts) slices")
            }
        }
    }
}
