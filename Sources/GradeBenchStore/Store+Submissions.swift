import GradeBenchCore

extension Store {
    /// Stores a submission, replacing the school's active one for the collection, in one transaction: the old
    /// rows go, the new rows, partial aggregate, submission record and audit event arrive, or nothing changes.
    public func replaceSubmission(_ draft: SubmissionDraft, actor: String) async throws -> SubmissionRecord {
        try await change(audit: { (record: SubmissionRecord) in
            var details = ["rows": String(record.rowCount), "pupils": String(record.pupilCount), "sha256": record.bodySHA256]
            if let replaced = record.replacesID { details["replaces"] = String(replaced) }
            return AuditEntry(actor: actor, action: "submission.accept", target: "submission:\(record.id)", details: details)
        }) { session in
            let now = Store.now()
            // A replaced submission keeps only its receipt: its pupils, sealed pseudonyms and aggregate go.
            let retire = """
                UPDATE submissions SET state = 'replaced', pseudonyms_sealed = $3, partial_aggregate = $3
                WHERE school_urn = $1 AND collection_id = $2 AND state = 'active' RETURNING id
                """
            func insert(replaces: String) -> String {
                """
                INSERT INTO submissions (school_urn, collection_id, state, received_at, row_count, pupil_count, subject_count,
                                         body_sha256, idempotency_key, replaces_id, user_id, pseudonyms_sealed,
                                         partial_aggregate)
                VALUES ($1, $2, 'active', $4, $5, $6, $7, $8, $9, \(replaces), $10, $11, $12) RETURNING id, replaces_id
                """
            }
            var binds: [SQLValue] = [
                .int(draft.school.rawValue), .text(draft.collectionID), .blob([]), .int(now), .int(draft.rowCount),
                .int(draft.pupilCount), .int(draft.subjectCount), .text(draft.bodySHA256), .optional(draft.idempotencyKey),
                .optional(draft.userID), .blob(draft.sealedPseudonyms), .blob(draft.partialAggregate),
            ]
            let inserted: SQLRow
            switch driver.dialect {
            case .postgres:
                // One round trip: retire the active submission (locking it) and insert the new one that replaces it.
                inserted = try await session.query(
                    SQLStatement(
                        "WITH retired AS (\(retire)) " + insert(replaces: "(SELECT id FROM retired)"),
                        binds)
                )[0]
            case .sqlite:
                let previous = try await session.query(SQLStatement(retire, Array(binds[0...2]))).first?.int(0)
                binds.append(.optional(previous))
                inserted = try await session.query(SQLStatement(insert(replaces: "$13"), binds))[0]
            }
            let id = try inserted.int(0)
            let previous = try inserted.optionalInt(1)
            if let previous {
                try await session.query("DELETE FROM submission_pupils WHERE submission_id = $1", .int(previous))
            }
            try await insertPupils(draft.pupils, submissionID: id, session: session)
            return SubmissionRecord(
                id: id, school: draft.school, collectionID: draft.collectionID, state: .active, receivedAt: now,
                rowCount: draft.rowCount, pupilCount: draft.pupilCount, subjectCount: draft.subjectCount,
                bodySHA256: draft.bodySHA256, idempotencyKey: draft.idempotencyKey, replacesID: previous
            )
        }
    }

    /// One row per pupil, results packed as `SUBJECT=GRADE;…`, by the fastest bulk path. Refuses a repeated
    /// pupil × subject and codes that would break the packing (the store's own guarantees, whatever validated the rows).
    private func insertPupils(_ pupils: [StoredPupil], submissionID: Int64, session: any SQLSession) async throws {
        var rows: [[SQLValue]] = []
        rows.reserveCapacity(pupils.count)
        for (ordinal, pupil) in pupils.enumerated() {
            try Self.checkPacked(pupil.results)
            let c = pupil.characteristics
            rows.append([
                .int(submissionID), .text(pupil.pupilKey), .int(Int64(ordinal)), .optional(c.pp), .optional(c.fsm),
                .optional(c.send), .optional(c.gender), .optional(c.eal), .text(pupil.results),
            ])
        }
        try await session.bulkInsert(
            into: "submission_pupils",
            columns: ["submission_id", "pupil_key", "ordinal", "pp", "fsm", "send", "gender", "eal", "results"],
            rows: rows
        )
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
        guard valid else { throw StoreError.rejected("A pupil's results must be SUBJECT=GRADE pairs, each subject once.") }
    }

    public func submission(id: Int64) async throws -> SubmissionRecord? {
        try await submissions(where: "WHERE id = $1", [.int(id)]).first
    }

    /// The school's active submission for a collection.
    public func activeSubmission(school: URN, collectionID: String) async throws -> SubmissionRecord? {
        try await submissions(
            where: "WHERE school_urn = $1 AND collection_id = $2 AND state = 'active'",
            [.int(school.rawValue), .text(collectionID)]
        ).first
    }

    /// A submission made earlier with this idempotency key.
    public func submission(school: URN, collectionID: String, idempotencyKey: String) async throws -> SubmissionRecord? {
        try await submissions(
            where: "WHERE school_urn = $1 AND collection_id = $2 AND idempotency_key = $3",
            [.int(school.rawValue), .text(collectionID), .text(idempotencyKey)]
        ).first
    }

    public func submissions(school: URN) async throws -> [SubmissionRecord] {
        try await submissions(where: "WHERE school_urn = $1", [.int(school.rawValue)])
    }

    private func submissions(where clause: String, _ binds: [SQLValue]) async throws -> [SubmissionRecord] {
        try await read { session in
            try await session.query(
                SQLStatement(
                    """
                    SELECT id, school_urn, collection_id, state, received_at, row_count, pupil_count, subject_count,
                           body_sha256, idempotency_key, replaces_id
                    FROM submissions \(clause) ORDER BY id
                    """,
                    binds
                )
            ).map { row throws(StoreError) in
                guard let urn = URN(rawValue: Int(try row.int(1))) else { throw StoreError.corruptRow(column: 1) }
                guard let state = SubmissionState(rawValue: try row.text(3)) else { throw StoreError.corruptRow(column: 3) }
                return SubmissionRecord(
                    id: try row.int(0), school: urn, collectionID: try row.text(2), state: state, receivedAt: try row.int(4),
                    rowCount: Int(try row.int(5)), pupilCount: Int(try row.int(6)), subjectCount: Int(try row.int(7)),
                    bodySHA256: try row.text(8), idempotencyKey: try row.optionalText(9), replacesID: try row.optionalInt(10)
                )
            }
        }
    }

    /// The rows of one submission, ordered by pupil key and subject.
    public func gradeRows(submissionID: Int64) async throws -> [StoredGradeRow] {
        let pupils = try await read { session in
            try await session.query(
                """
                SELECT pupil_key, ordinal, pp, fsm, send, gender, eal, results FROM submission_pupils
                WHERE submission_id = $1 ORDER BY pupil_key
                """,
                .int(submissionID)
            )
        }
        var rows: [StoredGradeRow] = []
        for pupil in pupils {
            var results: [(String, String)] = []
            for pair in try pupil.text(7).split(separator: ";") {
                guard let equals = pair.firstIndex(of: "=") else { throw StoreError.corruptRow(column: 7) }
                results.append((String(pair[..<equals]), String(pair[pair.index(after: equals)...])))
            }
            let characteristics = PupilCharacteristics(
                pp: try pupil.optionalText(2), fsm: try pupil.optionalText(3), send: try pupil.optionalText(4),
                gender: try pupil.optionalText(5), eal: try pupil.optionalText(6)
            )
            for (subject, grade) in results.sorted(by: { $0.0 < $1.0 }) {
                rows.append(
                    StoredGradeRow(
                        pupilKey: try pupil.text(0), pupilOrdinal: Int(try pupil.int(1)), subject: subject, grade: grade,
                        characteristics: characteristics
                    )
                )
            }
        }
        return rows
    }

    /// The school's own pseudonyms of one submission, as sealed by the server.
    public func sealedPseudonyms(submissionID: Int64) async throws -> [UInt8]? {
        try await read { session in
            try await session.query("SELECT pseudonyms_sealed FROM submissions WHERE id = $1", .int(submissionID)).first?.blob(0)
        }
    }

    /// Every school's partial aggregate for a collection (active submissions only), by URN.
    public func partialAggregates(collectionID: String) async throws -> [PartialAggregateRecord] {
        try await read { session in
            try await session.query(
                """
                SELECT school_urn, id, partial_aggregate FROM submissions
                WHERE collection_id = $1 AND state = 'active' ORDER BY school_urn
                """,
                .text(collectionID)
            ).map { row throws(StoreError) in
                guard let urn = URN(rawValue: Int(try row.int(0))) else { throw StoreError.corruptRow(column: 0) }
                return PartialAggregateRecord(school: urn, submissionID: try row.int(1), payload: try row.blob(2))
            }
        }
    }
}
