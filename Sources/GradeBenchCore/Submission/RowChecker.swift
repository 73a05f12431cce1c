/// The row rules of a submission, applied as rows stream past, building the compact `ValidatedSubmission`:
/// a well-formed pseudonym, a catalogue subject of the collection's key stage, a result on the subject's scale,
/// allowed characteristic values that agree across a pupil's rows, and each pupil × subject once.
struct RowChecker {
    let catalogue: SubjectCatalogue
    let keyStage: KeyStage
    let header: [String]
    let columns: SubmissionValidator.Columns
    private var problems = ProblemList()
    private var rowCount = 0
    private var pupils: [ValidatedSubmission.Pupil] = []
    private var results: [ValidatedSubmission.Result] = []
    private var pupilPositions: [PseudonymBytes: Int] = [:]
    private var lastPupil: (key: PseudonymBytes, position: Int)? = nil
    /// Bit sets over catalogue positions: subjects seen in the file, and per pupil (`wordsPerPupil` words each).
    private var subjectsSeen: [UInt64]
    private var pupilSubjects: [UInt64] = []
    private let wordsPerPupil: Int

    /// Each characteristic column's allowed values, as bytes.
    private static let valueBytes: [[[UInt8]]] = PupilCharacteristics.columns.map { $0.values.map { Array($0.utf8) } }

    init(catalogue: SubjectCatalogue, keyStage: KeyStage, header: [String], columns: SubmissionValidator.Columns) {
        self.catalogue = catalogue
        self.keyStage = keyStage
        self.header = header
        self.columns = columns
        wordsPerPupil = (catalogue.subjects.count + 63) / 64
        subjectsSeen = [UInt64](repeating: 0, count: wordsPerPupil)
    }

    mutating func check(_ record: CSVRecord) {
        rowCount += 1
        guard record.count == header.count else {
            problems.add(row: record.line, column: nil, "has \(record.count) fields; the header has \(header.count)")
            return
        }
        record.withFields { fields in check(fields, record: record) }
    }

    private mutating func check(_ fields: CSVFieldViews, record: CSVRecord) {
        var rowOK = true
        let pupilKey = PseudonymBytes(fields[columns.pupil].trimmedBlanks)
        if pupilKey == nil {
            problems.add(row: record.line, column: "pupil", "must be a 26-character pseudonym from 'gradebench pseudonymise'")
            rowOK = false
        }
        let subjectAndCode = checkSubjectAndGrade(fields, record: record)
        if subjectAndCode == nil { rowOK = false }
        var packed: UInt16 = 0
        for (field, position) in columns.characteristics {
            if let value = Self.value(fields[field], position: position) {
                packed |= UInt16(value + 1) << (3 * position)
            } else {
                let allowed = PupilCharacteristics.columns[position].values.joined(separator: ", ")
                problems.add(row: record.line, column: header[field], "must be one of \(allowed)")
                rowOK = false
            }
        }
        guard rowOK, let pupilKey, let (subject, code) = subjectAndCode else { return }
        guard let pupil = pupilPosition(pupilKey, fields: fields, line: record.line, packed: packed) else { return }
        let word = pupil * wordsPerPupil + subject / 64
        let bit = UInt64(1) << UInt64(subject % 64)
        if pupilSubjects[word] & bit != 0 {
            let earlier = results.last { $0.pupil == pupil && $0.subject == subject }!.line
            problems.add(row: record.line, column: "subject", "repeats the pupil and subject of row \(earlier)")
            return
        }
        pupilSubjects[word] |= bit
        subjectsSeen[subject / 64] |= bit
        results.append(
            ValidatedSubmission.Result(
                storedLine: Int32(truncatingIfNeeded: record.line), storedPupil: Int32(pupil), storedSubject: UInt16(subject), code: code
            )
        )
    }

    mutating func finish() throws(SubmissionRejection) -> ValidatedSubmission {
        if rowCount == 0 { problems.add(row: nil, column: nil, "the file has a header but no rows") }
        try problems.throwIfAny(.invalid)
        return ValidatedSubmission(
            keyStage: keyStage, catalogue: catalogue, pupils: pupils, results: results,
            subjectCount: subjectsSeen.reduce(0) { $0 + $1.nonzeroBitCount }
        )
    }

    /// The subject's catalogue position and the result's code, or `nil` after recording why not.
    private mutating func checkSubjectAndGrade(_ fields: CSVFieldViews, record: CSVRecord) -> (Int, UInt8)? {
        guard let position = catalogue.position(of: fields[columns.subject]) else {
            problems.add(row: record.line, column: "subject", CatalogueError.unknownSubject(record.string(columns.subject)).message)
            return nil
        }
        let subject = catalogue.subjects[position]
        guard let code = subject.scale.resultCode(fields[columns.grade]) else {
            let error = CatalogueError.gradeNotOnScale(grade: record.string(columns.grade), subject: subject.code, scale: subject.scale)
            problems.add(row: record.line, column: "grade", error.message)
            return nil
        }
        guard subject.keyStage == keyStage else {
            problems.add(
                row: record.line, column: "subject",
                "subject \(subject.code) is a \(subject.keyStage.rawValue) subject; this collection is \(keyStage.rawValue)"
            )
            return nil
        }
        return (position, code)
    }

    /// The pupil's position (registering a new pupil), or `nil` after recording that the row's characteristics
    /// disagree with the pupil's first row.
    private mutating func pupilPosition(_ key: PseudonymBytes, fields: CSVFieldViews, line: Int, packed: UInt16) -> Int? {
        let position: Int
        if let last = lastPupil, last.key == key {
            position = last.position
        } else if let known = pupilPositions[key] {
            position = known
        } else {
            position = pupils.count
            pupilPositions[key] = position
            pupils.append(
                ValidatedSubmission.Pupil(
                    pseudonym: String(decoding: fields[columns.pupil].trimmedBlanks, as: UTF8.self), line: line,
                    packedCharacteristics: packed
                )
            )
            pupilSubjects.append(contentsOf: repeatElement(0, count: wordsPerPupil))
        }
        lastPupil = (key, position)
        let first = pupils[position]
        guard first.packedCharacteristics == packed else {
            let differing = PupilCharacteristics.columns.indices.first { (first.packedCharacteristics ^ packed) >> (3 * $0) & 7 != 0 }!
            problems.add(
                row: line, column: PupilCharacteristics.columns[differing].name, "disagrees with the same pupil's row \(first.line)"
            )
            return nil
        }
        return position
    }

    /// The position of a characteristic's value in its column's `values` (exact, then trimmed and upper-cased).
    private static func value(_ raw: some BidirectionalCollection<UInt8>, position: Int) -> Int? {
        if raw.count == 1, let byte = raw.first {
            let value = singleByteValues[position &* 256 &+ Int(byte)]
            if value >= 0 { return Int(value) }
        }
        let normalised = raw.trimmedBlanks.asciiUppercased
        return valueBytes[position].firstIndex(of: normalised)
    }

    /// Per column, per byte: the position of the one-byte value that byte spells exactly, or -1.
    private static let singleByteValues: [Int8] = {
        var table = [Int8](repeating: -1, count: valueBytes.count * 256)
        for (position, values) in valueBytes.enumerated() {
            for (value, bytes) in values.enumerated() where bytes.count == 1 { table[position * 256 + Int(bytes[0])] = Int8(value) }
        }
        return table
    }()
}

/// A well-formed pseudonym's 26 bytes packed into four words: a cheap key for finding a pupil's earlier rows.
struct PseudonymBytes: Hashable {
    private let a: UInt64
    private let b: UInt64
    private let c: UInt64
    private let d: UInt64

    /// `nil` unless the bytes are a pseudonym (26 characters of the base32 alphabet).
    init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == Pseudonym.length,
            let words = bytes.withContiguousStorageIfAvailable(Self.words) ?? Array(bytes).withUnsafeBufferPointer(Self.words)
        else { return nil }
        (a, b, c, d) = words
    }

    private static func words(_ buffer: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64, UInt64)? {
        for byte in buffer where !((byte >= 0x41 && byte <= 0x5A) || (byte >= 0x32 && byte <= 0x37)) { return nil }
        let raw = UnsafeRawBufferPointer(buffer)
        return (
            raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), UInt64(raw.loadUnaligned(fromByteOffset: 24, as: UInt16.self))
        )
    }
}
