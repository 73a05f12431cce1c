import GradeBenchCore

/// A submission's pupils as one stored value (column `submissions.pupil_rows`): a version line, then one line per
/// pupil in ordinal order, tab-separated: key, pp, fsm, send, gender, eal (empty when absent), packed results.
///
/// Every read and write of pupil rows is per submission (the school's own view, erasure of one pupil, which
/// re-derives that submission's aggregate, retention), so they live and die with the submission like its sealed
/// pseudonyms and partial aggregate. One value instead of a row per pupil took ingestion from ~0.45 to ~0.5 of
/// `psql \copy` (docs/performance.md).
enum PupilRows {
    static let header = Array("gradebench-pupils 1\n".utf8)

    /// The stored form of `pupils`. Refuses what would break it or the store's guarantees: an empty key, a tab,
    /// line break or other control character in any field, an empty characteristic, malformed packed results.
    static func encode(_ pupils: [StoredPupil]) throws(StoreError) -> [UInt8] {
        var out = header
        out.reserveCapacity(header.count + pupils.count * 160)
        for pupil in pupils {
            guard !pupil.pupilKey.isEmpty else { throw refusal }
            try append(pupil.pupilKey, to: &out)
            let c = pupil.characteristics
            for value in [c.pp, c.fsm, c.send, c.gender, c.eal] {
                out.append(UInt8(ascii: "\t"))
                guard let value else { continue }
                guard !value.isEmpty else { throw refusal }
                try append(value, to: &out)
            }
            out.append(UInt8(ascii: "\t"))
            try checkPacked(pupil.results)
            try append(pupil.results, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    static func decode(_ bytes: [UInt8]) throws(StoreError) -> [StoredPupil] {
        guard !bytes.isEmpty else { return [] }
        guard bytes.starts(with: header) else { throw StoreError.corruptRow(column: 0) }
        var pupils: [StoredPupil] = []
        for line in bytes[header.count...].split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            guard fields.count == 7 else { throw StoreError.corruptRow(column: 0) }
            func optional(_ index: Int) -> String? { fields[index].isEmpty ? nil : fields[index] }
            pupils.append(
                StoredPupil(
                    pupilKey: fields[0],
                    characteristics: PupilCharacteristics(
                        pp: optional(1), fsm: optional(2), send: optional(3), gender: optional(4), eal: optional(5)),
                    results: fields[6]
                )
            )
        }
        return pupils
    }

    private static let refusal = StoreError.rejected(
        "A pupil row must have a key, characteristics without control characters, and results as SUBJECT=GRADE pairs, each subject once."
    )

    private static func append(_ text: String, to out: inout [UInt8]) throws(StoreError) {
        var text = text
        let clean = text.withUTF8 { bytes in
            out.append(contentsOf: bytes)
            return !bytes.contains { $0 < 0x20 || $0 == 0x7F }
        }
        guard clean else { throw refusal }
    }

    /// The packed results' shape: non-empty `SUBJECT=GRADE` pairs joined by `;`, each subject once.
    private static func checkPacked(_ packed: String) throws(StoreError) {
        var packed = packed
        let valid = packed.withUTF8 { bytes -> Bool in
            var subjects: [Range<Int>] = []
            var start = 0
            while start <= bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
                guard let equals = bytes[start..<end].firstIndex(of: UInt8(ascii: "=")), equals > start, equals + 1 < end,
                    !bytes[(equals + 1)..<end].contains(UInt8(ascii: "="))
                else { return false }
                let subject = start..<equals
                if subjects.contains(where: { bytes[$0].elementsEqual(bytes[subject]) }) { return false }
                subjects.append(subject)
                start = end + 1
            }
            return true
        }
        guard valid else { throw refusal }
    }
}
