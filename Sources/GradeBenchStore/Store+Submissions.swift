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
                UPDATE submissions SET state = 'replaced', pseudonyms_sealed = $3, partial_aggregate = $3, pupil_rows = $3
                WHERE school_urn = $1 AND collection_id = $2 AND state = 'active' RETURNING id
                """
            func insert(replaces: String) -> String {
                """
                INSERT INTO submissions (school_urn, collection_id, state, received_at, row_count, pupil_count, subject_count,
                                         body_sha256, idempotency_key, replaces_id, user_id, pseudonyms_sealed,
                                         partial_aggregate, pupil_rows)
                VALUES ($1, $2, 'active', $4, $5, $6, $7, $8, $9, \(replaces), $10, $11, $12, $13) RETURNING id, replaces_id
                """
            }
            var binds: [SQLValue] = [
                .int(draft.school.rawValue), .text(draft.collectionID), .blob([]), .int(now), .int(draft.rowCount),
                .int(draft.pupilCount), .int(draft.subjectCount), .text(draft.bodySHA256), .optional(draft.idempotencyKey),
                .optional(draft.userID), .blob(draft.sealedPseudonyms), .blob(draft.partialAggregate),
                .blob(try PupilRows.encode(draft.pupils)),
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
                inserted = try await session.query(SQLStatement(insert(replaces: "$14"), binds))[0]
            }
            let id = try inserted.int(0)
            let previous = try inserted.optionalInt(1)
            return SubmissionRecord(
                id: id, school: draft.school, collectionID: draft.collectionID, state: .active, receivedAt: now,
                rowCount: draft.rowCount, pupilCount: draft.pupilCount, subjectCount: draft.subjectCount,
                bodySHA256: draft.bodySHA256, idempotencyKey: draft.idempotencyKey, replacesID: previous
            )
        }
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
        let stored = try await read { session in
            try await session.query("SELECT pupil_rows FROM submissions WHERE id = $1", .int(submissionID)).first?.blob(0)
        }
        var rows: [StoredGradeRow] = []
        for (ordinal, pupil) in try PupilRows.decode(stored ?? []).enumerated().sorted(by: { $0.1.pupilKey < $1.1.pupilKey }) {
            for (subject, grade) in try pupil.unpackedResults().sorted(by: { $0.subject < $1.subject }) {
                rows.append(
                    StoredGradeRow(
                        pupilKey: pupil.pupilKey, pupilOrdinal: ordinal, subject: subject, grade: grade,
                        characteristics: pupil.characteristics
                    )
                )
            }
        }
        return rows
    }

    /// One submission's partial aggregate, as stored at ingest (`nil`: no such submission, or one replaced since).
    public func partialAggregate(submissionID: Int64) async throws -> [UInt8]? {
        try await read { session in
            try await session.query(
                "SELECT partial_aggregate FROM submissions WHERE id = $1 AND state = 'active'", .int(submissionID)
            ).first?.blob(0)
        }
    }

    /// The pupils of one submission in submission order (each one's position matches its sealed pseudonym's).
    public func pupils(submissionID: Int64) async throws -> [StoredPupil] {
        let stored = try await read { session in
            try await session.query("SELECT pupil_rows FROM submissions WHERE id = $1", .int(submissionID)).first?.blob(0)
        }
        return try PupilRows.decode(stored ?? [])
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
