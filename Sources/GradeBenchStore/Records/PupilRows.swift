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
        var subjects: [Range<Int>] = []
        for pupil in pupils {
            guard !pupil.pupilKey.isEmpty else { throw refusal }
            try append(pupil.pupilKey, to: &out)
            let c = pupil.characteristics
            try appendCharacteristic(c.pp, to: &out)
            try appendCharacteristic(c.fsm, to: &out)
            try appendCharacteristic(c.send, to: &out)
            try appendCharacteristic(c.gender, to: &out)
            try appendCharacteristic(c.eal, to: &out)
            out.append(UInt8(ascii: "\t"))
            let start = out.count
            try append(pupil.results, to: &out)
            try checkPacked(out, from: start, subjects: &subjects)
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

    private static func appendCharacteristic(_ value: String?, to out: inout [UInt8]) throws(StoreError) {
        out.append(UInt8(ascii: "\t"))
        guard let value else { return }
        guard !value.isEmpty else { throw refusal }
        try append(value, to: &out)
    }

    /// Appends the text, refusing control characters (they would break the line and field structure).
    private static func append(_ text: String, to out: inout [UInt8]) throws(StoreError) {
        let start = out.count
        out.append(contentsOf: text.utf8)
        for index in start..<out.count where out[index] < 0x20 || out[index] == 0x7F { throw refusal }
    }

    /// The packed results at `out[start...]`: non-empty `SUBJECT=GRADE` pairs joined by `;`, each subject once.
    private static func checkPacked(_ out: [UInt8], from start: Int, subjects: inout [Range<Int>]) throws(StoreError) {
        subjects.removeAll(keepingCapacity: true)
        var pair = start
        while pair <= out.count {
            let end = out[pair...].firstIndex(of: UInt8(ascii: ";")) ?? out.count
            guard let equals = out[pair..<end].firstIndex(of: UInt8(ascii: "=")), equals > pair, equals + 1 < end,
                !out[(equals + 1)..<end].contains(UInt8(ascii: "="))
            else { throw refusal }
            let subject = pair..<equals
            if subjects.contains(where: { out[$0].elementsEqual(out[subject]) }) { throw refusal }
            subjects.append(subject)
            pair = end + 1
        }
    }
}
